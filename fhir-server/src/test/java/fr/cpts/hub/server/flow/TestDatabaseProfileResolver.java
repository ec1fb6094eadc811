package fr.cpts.hub.server.flow;

import org.springframework.test.context.ActiveProfilesResolver;

/**
 * Picks {@code it-h2} or {@code it-postgres} from the system property {@code hub.test.database}.
 */
public class TestDatabaseProfileResolver implements ActiveProfilesResolver {

  @Override
  public String[] resolve(Class<?> testClass) {
    String database = System.getProperty("hub.test.database", "h2");
    return switch (database) {
      case "h2" -> new String[] {"it-h2"};
      case "postgres" -> new String[] {"it-postgres"};
      default ->
          throw new IllegalArgumentException(
              "hub.test.database must be h2 or postgres, not " + database);
    };
  }
}
