package fr.cpts.hub.server.config;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import javax.sql.DataSource;
import org.hibernate.dialect.Dialect;

/**
 * The databases the hub runs on, told apart from the live connection so that a profile only has to
 * give a JDBC URL: each brings its HAPI Hibernate dialect and its HAPI migrator driver type.
 */
public enum HubDatabase {
  H2(HapiFhirH2Dialect.class, DriverTypeEnum.H2_EMBEDDED),
  POSTGRES(HapiFhirPostgresDialect.class, DriverTypeEnum.POSTGRES_9_4);

  private final Class<? extends Dialect> dialect;
  private final DriverTypeEnum migratorDriver;

  HubDatabase(Class<? extends Dialect> dialect, DriverTypeEnum migratorDriver) {
    this.dialect = dialect;
    this.migratorDriver = migratorDriver;
  }

  public Class<? extends Dialect> dialect() {
    return dialect;
  }

  public DriverTypeEnum migratorDriver() {
    return migratorDriver;
  }

  /** Asks the database its product name. */
  public static HubDatabase of(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      String product = connection.getMetaData().getDatabaseProductName();
      return fromProductName(product);
    } catch (SQLException e) {
      throw new IllegalStateException("HUB-0001: cannot reach the database to identify it", e);
    }
  }

  static HubDatabase fromProductName(String product) {
    String name = product.toLowerCase(Locale.ROOT);
    if (name.contains("h2")) {
      return H2;
    }
    if (name.contains("postgres")) {
      return POSTGRES;
    }
    throw new IllegalStateException(
        "HUB-0002: unsupported database '" + product + "': the hub runs on H2 or PostgreSQL");
  }
}
