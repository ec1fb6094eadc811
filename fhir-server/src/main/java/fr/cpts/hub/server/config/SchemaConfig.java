package fr.cpts.hub.server.config;

import ca.uhn.fhir.jpa.migrate.HapiMigrationStorageSvc;
import ca.uhn.fhir.jpa.migrate.MigrationResult;
import ca.uhn.fhir.jpa.migrate.MigrationTaskList;
import ca.uhn.fhir.jpa.migrate.SchemaMigrator;
import ca.uhn.fhir.jpa.migrate.dao.HapiMigrationDao;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The database schema is HAPI's and the hub's own few tables ({@link HubSchemaTasks}), both managed
 * by HAPI's own migrator ({@code hapi-fhir-sql-migrate}): it creates an empty database from scratch
 * and upgrades an older one, task by task, recording each in {@code FLY_HFJ_MIGRATION}. Hibernate
 * never changes the schema ({@code hbm2ddl=none}). The entity manager factory takes this bean as a
 * parameter, so Hibernate starts only once the schema is there.
 */
@Configuration(proxyBeanMethods = false)
public class SchemaConfig {

  private static final Logger log = LoggerFactory.getLogger(SchemaConfig.class);

  /** What the schema step found or did, kept as a bean so that the JPA beans can depend on it. */
  public record DatabaseSchema(HubDatabase database, int changesApplied) {}

  @Bean
  DatabaseSchema hubDatabaseSchema(DataSource dataSource, DatabaseSchemaProperties properties) {
    HubDatabase database = HubDatabase.of(dataSource);
    if (properties.management() == DatabaseSchemaProperties.Management.NONE) {
      log.info("Database {}: schema not checked (hub.database.schema.management=none)", database);
      return new DatabaseSchema(database, 0);
    }
    int changes =
        migrate(
            dataSource,
            database,
            properties,
            "HAPI FHIR",
            SchemaMigrator.HAPI_FHIR_MIGRATION_TABLENAME,
            new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values()));
    changes +=
        migrate(
            dataSource,
            database,
            properties,
            "cpts-hub",
            HubSchemaTasks.MIGRATION_TABLE,
            new HubSchemaTasks().getAllTasks(HubSchemaTasks.Release.values()));
    return new DatabaseSchema(database, changes);
  }

  private static int migrate(
      DataSource dataSource,
      HubDatabase database,
      DatabaseSchemaProperties properties,
      String name,
      String migrationTable,
      MigrationTaskList tasks) {
    HapiMigrationStorageSvc storage =
        new HapiMigrationStorageSvc(
            new HapiMigrationDao(dataSource, database.migratorDriver(), migrationTable));
    SchemaMigrator migrator =
        new SchemaMigrator(name, migrationTable, dataSource, new Properties(), tasks, storage);
    migrator.setDriverType(database.migratorDriver());
    migrator.createMigrationTableIfRequired();
    if (properties.management() == DatabaseSchemaProperties.Management.VALIDATE) {
      migrator.validate();
      log.info("Database {}: {} schema is up to date", database, name);
      return 0;
    }
    MigrationResult result = migrator.migrate();
    log.info(
        "Database {}: {} schema migrated, {} task(s) run, {} change(s)",
        database,
        name,
        result.succeededTasks.size(),
        result.changes);
    return result.changes;
  }
}
