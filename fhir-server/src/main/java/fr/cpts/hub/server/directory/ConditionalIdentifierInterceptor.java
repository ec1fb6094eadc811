package fr.cpts.hub.server.directory;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import fr.cpts.hub.server.config.HubInterceptor;
import java.util.Set;
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

  private static final Set<RestOperationTypeEnum> CONDITIONAL =
      Set.of(
          RestOperationTypeEnum.CREATE, RestOperationTypeEnum.UPDATE, RestOperationTypeEnum.DELETE);

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void normalise(RequestDetails request, RestOperationTypeEnum operation) {
    if (!CONDITIONAL.contains(operation)) {
      return;
    }
    String url = request.getConditionalUrl(operation);
    String normalised = ConditionalIdentifiers.normalise(url);
    if (url != null && !url.equals(normalised)) {
      request.setFixedConditionalUrl(normalised);
    }
  }
}
