package fr.cpts.hub.server.config;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.binary.api.IBinaryStorageSvc;
import ca.uhn.fhir.jpa.binstore.DatabaseBinaryContentStorageSvcImpl;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import fr.cpts.hub.server.config.SchemaConfig.DatabaseSchema;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.transaction.annotation.EnableTransactionManagement;

/**
 * The HAPI FHIR JPA storage layer, R4: HAPI's own Spring configurations plus the few beans they
 * expect the application to provide (storage settings, the entity manager factory on our
 * DataSource, the transaction manager).
 */
@Configuration(proxyBeanMethods = false)
@EnableTransactionManagement
@Import({
  JpaR4Config.class,
  HapiJpaConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  ThreadPoolFactoryConfig.class,
  SubscriptionChannelConfig.class
})
public class FhirJpaConfig {

  @Bean
  JpaStorageSettings jpaStorageSettings(FhirServerProperties properties) {
    JpaStorageSettings settings = new JpaStorageSettings();
    // The SAS platform requires Bundle.total on every search answer.
    settings.setDefaultTotalMode(SearchTotalModeEnum.ACCURATE);
    settings.setFetchSizeDefaultMaximum(properties.maxPageSize());
    settings.setReuseCachedSearchResultsForMillis(
        properties.reuseCachedSearchResultsMillis() > 0
            ? properties.reuseCachedSearchResultsMillis()
            : null);
    // A client may PUT its own id only if it is not purely numeric: it never collides with the
    // server's numeric ids.
    settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ALPHANUMERIC);
    settings.setAllowMultipleDelete(false);
    // For the audit trail's retention job only: clients get 403 on $expunge
    // (AuditTrailGuardInterceptor).
    settings.setExpungeEnabled(true);
    settings.setAllowExternalReferences(false);
    settings.setAutoCreatePlaceholderReferenceTargets(false);
    settings.setEnforceReferentialIntegrityOnWrite(true);
    settings.setEnforceReferentialIntegrityOnDelete(true);
    // The hub validates codes in memory, from its profiles package; HAPI's scheduled pre-expansion
    // of stored ValueSets needs Hibernate Search, which the hub does not run.
    settings.setPreExpandValueSets(false);
    // The profiles package retires the AuditEvent search parameters nobody searches by (a
    // SearchParameter of the same code and base, status retired, is how HAPI stops indexing a
    // built-in one); HAPI's installer would otherwise skip every resource that is not active.
    settings.setValidateResourceStatusForPackageUpload(false);
    return settings;
  }

  /** Required by HAPI even without partitioning. */
  @Bean
  PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  SubscriptionSettings subscriptionSettings() {
    return new SubscriptionSettings();
  }

  @Bean
  IBinaryStorageSvc binaryStorageSvc() {
    return new DatabaseBinaryContentStorageSvcImpl();
  }

  @Bean
  @Primary
  LocalContainerEntityManagerFactoryBean entityManagerFactory(
      DataSource dataSource,
      DatabaseSchema schema,
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings) {
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(
            beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setDataSource(dataSource);
    Properties jpa = new Properties();
    jpa.put("hibernate.dialect", schema.database().dialect().getName());
    // The schema belongs to HAPI's migrator (SchemaConfig), never to Hibernate.
    jpa.put("hibernate.hbm2ddl.auto", "none");
    jpa.put("hibernate.search.enabled", "false");
    jpa.put("hibernate.format_sql", "false");
    jpa.put("hibernate.show_sql", "false");
    jpa.put("hibernate.jdbc.batch_size", "50");
    jpa.put("hibernate.order_inserts", "true");
    jpa.put("hibernate.order_updates", "true");
    factory.setJpaProperties(jpa);
    return factory;
  }

  @Bean
  @Primary
  JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
    return new JpaTransactionManager(entityManagerFactory);
  }
}
