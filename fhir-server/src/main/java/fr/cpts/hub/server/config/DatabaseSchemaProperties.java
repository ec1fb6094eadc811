package fr.cpts.hub.server.config;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who manages the database schema.
 *
 * @param management {@code migrate}: HAPI's own migrator creates an empty schema and upgrades an
 *     older one at start-up (a lock row makes concurrent starts of several nodes safe); {@code
 *     validate}: the node only checks that the schema is up to date and refuses to start otherwise
 *     (production, with the migration run as its own step); {@code none}: nothing is checked.
 */
@Validated
@ConfigurationProperties("hub.database.schema")
public record DatabaseSchemaProperties(@DefaultValue("migrate") @NotNull Management management) {

  /** See {@link DatabaseSchemaProperties#management()}. */
  public enum Management {
    MIGRATE,
    VALIDATE,
    NONE
  }
}
