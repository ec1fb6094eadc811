package fr.cpts.hub.server.flow;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import javax.sql.DataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.context.annotation.Profile;

/**
 * A real PostgreSQL for the flow tests, started from the binaries of Maven Central (no Docker, no
 * system install). The server is a bean closed on context shutdown, after the connection pool and
 * after HAPI's schedulers, which depend on it: stopping it earlier would leave them polling a dead
 * database.
 */
@TestConfiguration(proxyBeanMethods = false)
@Profile("it-postgres")
public class EmbeddedPostgresConfig {

  @Bean(destroyMethod = "close")
  EmbeddedPostgres embeddedPostgres() throws IOException {
    return EmbeddedPostgres.builder().start();
  }

  @Bean(destroyMethod = "close")
  @Primary
  DataSource dataSource(EmbeddedPostgres postgres) {
    return DataSourceBuilder.create()
        .type(HikariDataSource.class)
        .url(postgres.getJdbcUrl("postgres", "postgres"))
        .username("postgres")
        .password("")
        .build();
  }
}
