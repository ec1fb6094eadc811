package fr.cpts.hub.server.interceptor;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.server.config.HubInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Logs failed requests without personal data. An exception message may quote the request (a birth
 * date in a search, a name in a body), so above DEBUG only the status, the operation, the request
 * id and the exception class are written: server errors (5xx) at ERROR, rejected requests (4xx) at
 * DEBUG. The full exception, message and stack, goes to DEBUG only. It does not change the answer.
 * HAPI's own ExceptionHandlingInterceptor logger, which prints messages, is turned off in
 * application.yaml.
 */
@Component
@Interceptor
public class ServerErrorLogInterceptor implements HubInterceptor {

  private static final Logger log = LoggerFactory.getLogger(ServerErrorLogInterceptor.class);

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  public boolean logFailure(RequestDetails request, BaseServerResponseException exception) {
    int status = exception.getStatusCode();
    String operation = request.getRestOperationType() + " " + request.getResourceName();
    Throwable cause = exception.getCause() != null ? exception.getCause() : exception;
    if (status >= 500) {
      log.error(
          "HTTP {} on {} (request {}): {}",
          status,
          operation,
          request.getRequestId(),
          cause.getClass().getName());
    }
    log.debug("HTTP {} on {} (request {})", status, operation, request.getRequestId(), exception);
    return true;
  }
}
