package fr.cpts.hub.server.flow;

import fr.cpts.hub.server.HubApplication;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * One running hub on a random port, shared by every flow test (same annotations, same cached Spring
 * context). The database is chosen by the system property {@code hub.test.database}: {@code h2}
 * (default) or {@code postgres} (a real PostgreSQL from embedded binaries); Maven's failsafe runs
 * the flows once with each.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(
    classes = HubApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles(resolver = TestDatabaseProfileResolver.class)
@Import(EmbeddedPostgresConfig.class)
@ContextConfiguration(initializers = {SasStandInConfig.class, MllpListenerConfig.class})
public @interface HubIntegrationTest {}
