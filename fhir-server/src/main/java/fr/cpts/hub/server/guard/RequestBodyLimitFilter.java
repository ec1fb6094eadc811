package fr.cpts.hub.server.guard;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds every request body of the FHIR endpoint before HAPI reads it (HAPI reads a body whole,
 * into memory): a declared {@code Content-Length} above the limit is refused at once; a chunked
 * body is read up to the limit and refused as soon as it passes it. Refusals are 413 with an
 * OperationOutcome ({@code HUB-0570}); a compressed body ({@code Content-Encoding} other than
 * identity), whose inflated size nothing bounds, is refused with 415 ({@code HUB-0571}).
 */
public class RequestBodyLimitFilter extends OncePerRequestFilter {

  private static final Logger log = LoggerFactory.getLogger(RequestBodyLimitFilter.class);

  private final FhirContext fhirContext;
  private final long maxBodySize;

  public RequestBodyLimitFilter(FhirContext fhirContext, long maxBodySize) {
    this.fhirContext = fhirContext;
    this.maxBodySize = maxBodySize;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    String encoding = request.getHeader("Content-Encoding");
    if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
      refuse(
          request,
          response,
          HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
          IssueType.NOTSUPPORTED,
          "HUB-0571: compressed request bodies (Content-Encoding: "
              + encoding
              + ") are not accepted; send the body uncompressed");
      return;
    }
    long declared = request.getContentLengthLong();
    if (declared > maxBodySize) {
      refuseTooLarge(request, response, declared + " bytes declared");
      return;
    }
    if (declared >= 0 || !hasChunkedBody(request)) {
      chain.doFilter(request, response);
      return;
    }
    byte[] body = readAtMost(request.getInputStream(), maxBodySize);
    if (body == null) {
      refuseTooLarge(request, response, "a chunked body longer than that");
      return;
    }
    chain.doFilter(new BufferedBodyRequest(request, body), response);
  }

  private static boolean hasChunkedBody(HttpServletRequest request) {
    String transferEncoding = request.getHeader("Transfer-Encoding");
    return transferEncoding != null && transferEncoding.toLowerCase().contains("chunked");
  }

  /** The stream's bytes, or null if there are more than {@code limit}. */
  private static byte[] readAtMost(InputStream in, long limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
      total += read;
      if (total > limit) {
        return null;
      }
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }

  private void refuseTooLarge(HttpServletRequest request, HttpServletResponse response, String what)
      throws IOException {
    refuse(
        request,
        response,
        HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
        IssueType.TOOLONG,
        "HUB-0570: the request body is larger than the hub accepts ("
            + maxBodySize
            + " bytes; "
            + what
            + "); split a large transaction into several");
  }

  private void refuse(
      HttpServletRequest request,
      HttpServletResponse response,
      int status,
      IssueType type,
      String message)
      throws IOException {
    log.info("Refused {} {}: {}", request.getMethod(), request.getRequestURI(), message);
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
    byte[] body =
        fhirContext
            .newJsonParser()
            .encodeResourceToString(outcome)
            .getBytes(StandardCharsets.UTF_8);
    response.setStatus(status);
    response.setContentType(Constants.CT_FHIR_JSON_NEW + ";charset=UTF-8");
    response.setContentLength(body.length);
    // The unread rest of the body is not worth reading: the connection is closed after this.
    response.setHeader("Connection", "close");
    response.getOutputStream().write(body);
  }

  /** The request with its body already read. */
  private static final class BufferedBodyRequest extends HttpServletRequestWrapper {

    private final byte[] body;

    BufferedBodyRequest(HttpServletRequest request, byte[] body) {
      super(request);
      this.body = body;
    }

    @Override
    public int getContentLength() {
      return body.length;
    }

    @Override
    public long getContentLengthLong() {
      return body.length;
    }

    @Override
    public ServletInputStream getInputStream() {
      ByteArrayInputStream in = new ByteArrayInputStream(body);
      return new ServletInputStream() {
        @Override
        public int read() {
          return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
          return in.available() == 0;
        }

        @Override
        public boolean isReady() {
          return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
          throw new IllegalStateException("the body is already read");
        }
      };
    }

    @Override
    public BufferedReader getReader() throws UnsupportedEncodingException {
      String encoding = getCharacterEncoding();
      Charset charset;
      try {
        charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
      } catch (IllegalArgumentException e) {
        throw new UnsupportedEncodingException(encoding);
      }
      return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
    }
  }
}
