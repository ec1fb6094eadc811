package fr.cpts.hub.server.directory;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import fr.cpts.hub.server.config.HubInterceptor;
import org.springframework.stereotype.Component;

/**
 * Normalises the national identifiers of a conditional create ({@code If-None-Exist}), update or
 * delete URL before HAPI resolves it ({@link ConditionalIdentifiers}), so that the unprefixed RPPS
 * or SIRET practice software sends finds what the hub stored prefixed. The entries of a transaction
 * are normalised by {@link NationalIdentifierInterceptor}.
 */
@Component
@Interceptor
public class ConditionalIdentifierInterceptor implements HubInterceptor {

  /**
   * Before HAPI binds the method's parameters (later hooks are too late for the conditional URL):
   * the operation is read from the verb, as HAPI's {@link RequestDetails#getConditionalUrl} reads
   * it; a search, an operation or a transaction carries no conditional URL.
   */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public void normalise(RequestDetails request) {
    if (request.getResourceName() == null
        || request.getOperation() != null
        || request.getRequestType() == null) {
      return;
    }
    RestOperationTypeEnum operation =
        switch (request.getRequestType()) {
          case POST -> RestOperationTypeEnum.CREATE;
          case PUT -> RestOperationTypeEnum.UPDATE;
          case DELETE -> RestOperationTypeEnum.DELETE;
          default -> null;
        };
    if (operation == null) {
      return;
    }
    String url = request.getConditionalUrl(operation);
    String normalised = ConditionalIdentifiers.normalise(url);
    if (url != null && !url.equals(normalised)) {
      request.setFixedConditionalUrl(normalised);
    }
  }
}
