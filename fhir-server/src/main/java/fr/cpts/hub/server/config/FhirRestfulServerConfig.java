package fr.cpts.hub.server.config;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.HardcodedServerAddressStrategy;
import ca.uhn.fhir.rest.server.IncomingRequestAddressStrategy;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.LoggingInterceptor;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.List;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The FHIR REST endpoint at {@code /fhir}: HAPI's RestfulServer with the JPA resource providers,
 * the system provider (transaction, batch, history), the CapabilityStatement and database-backed
 * paging. The hub's own interceptors are Spring beans implementing {@link HubInterceptor}; each is
 * registered here, in the order of its {@code @Order}. So are its own operations, beans
 * implementing {@link HubOperationProvider}.
 */
@Configuration(proxyBeanMethods = false)
public class FhirRestfulServerConfig {

  public static final String FHIR_PATH = "/fhir";

  @Bean
  RestfulServer restfulServer(
      IFhirSystemDao<?, ?> systemDao,
      ResourceProviderFactory resourceProviders,
      IJpaSystemProvider systemProvider,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider,
      FhirServerProperties properties,
      List<HubInterceptor> hubInterceptors,
      List<HubOperationProvider> hubOperations) {
    RestfulServer server = new RestfulServer(systemDao.getContext());
    server.registerProviders(resourceProviders.createProviders());
    server.registerProvider(systemProvider);
    server.registerProviders(List.copyOf(hubOperations));

    @SuppressWarnings({"unchecked", "rawtypes"})
    JpaCapabilityStatementProvider capabilityStatement =
        new JpaCapabilityStatementProvider(
            server,
            (IFhirSystemDao) systemDao,
            storageSettings,
            searchParamRegistry,
            validationSupport);
    capabilityStatement.setImplementationDescription("CPTS hub: FHIR R4 hub for French CPTS");
    server.setServerConformanceProvider(capabilityStatement);

    pagingProvider.setDefaultPageSize(properties.defaultPageSize());
    pagingProvider.setMaximumPageSize(properties.maxPageSize());
    server.setPagingProvider(pagingProvider);

    server.setDefaultResponseEncoding(EncodingEnum.JSON);
    server.setServerAddressStrategy(
        properties.serverAddress().isBlank()
            ? new IncomingRequestAddressStrategy()
            : new HardcodedServerAddressStrategy(properties.serverAddress()));

    server.registerInterceptor(new ResponseHighlighterInterceptor());
    server.registerInterceptor(accessLog());
    hubInterceptors.forEach(server::registerInterceptor);
    return server;
  }

  /**
   * One line per request, without query parameters, bodies or exception messages: those may hold
   * personal health data (an INS in a search, a patient's name in a body), which never goes to the
   * log above DEBUG.
   */
  private static LoggingInterceptor accessLog() {
    LoggingInterceptor accessLog = new LoggingInterceptor();
    accessLog.setLoggerName("fr.cpts.hub.access");
    accessLog.setMessageFormat(
        "${requestVerb} ${operationType} ${operationName} ${idOrResourceName} ${processingTimeMillis}ms");
    accessLog.setErrorMessageFormat(
        "FAILED ${requestVerb} ${operationType} ${operationName} ${idOrResourceName} ${processingTimeMillis}ms");
    accessLog.setLogExceptions(false);
    return accessLog;
  }

  @Bean
  ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer restfulServer) {
    ServletRegistrationBean<RestfulServer> registration =
        new ServletRegistrationBean<>(restfulServer, FHIR_PATH + "/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }
}
