package fr.cpts.hub.server.sas;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.RestfulServerUtils.ResponseEncoding;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import fr.cpts.hub.server.config.FhirServerProperties;
import fr.cpts.hub.server.config.HubInterceptor;
import fr.cpts.hub.server.sas.SasAnswerWriter.Encoded;
import fr.cpts.hub.server.sas.SasSlotReadModel.FreeSlot;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Slot;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Serves the SAS platform's slot search ({@link SasSlotQuery}) in the shape the SAS expects.
 *
 * <p>On the way in it checks the request (1 to 25 professionals, both bounds of the window, not
 * inverted; 400 with an OperationOutcome otherwise) and normalises it for HAPI's search: prefixed
 * IDNPS on the IDNPS system, bounds with an explicit offset (the CPTS flow sends none:
 * Europe/Paris), the lower bound not before now, the whole answer on one page unless the client
 * sent {@code _count}. On the way out it replaces HAPI's Bundle by the SAS view ({@link
 * SasAnswerView}), whose self link echoes the query as the client sent it.
 *
 * <p>It does not touch any other search.
 */
@Component
@Interceptor
@Order(100)
public class SasSlotSearchInterceptor implements HubInterceptor {

  static final String QUERY = SasSlotQuery.class.getName();

  private static final Set<String> SAS_PARAMETERS =
      Set.of(
          SasSlotQuery.INCLUDE,
          SasSlotQuery.INCLUDE + ":iterate",
          SasSlotQuery.START,
          SasSlotQuery.PRACTITIONER_IDENTIFIER,
          "status",
          "_format");

  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

  /** The view's order: by start, then id. */
  private static final Comparator<FreeSlot> IN_ANSWER_ORDER =
      Comparator.comparing(FreeSlot::start).thenComparing(FreeSlot::id);

  private final Clock clock;
  private final SasAnswerView view;
  private final SasResourceLoader loader;
  private final SasSlotReadModel readModel;
  private final SasViewCache encoded;
  private final int pageSize;
  private final AtomicBoolean fastPath;

  public SasSlotSearchInterceptor(
      Clock clock,
      SasResourceLoader loader,
      SasSlotReadModel readModel,
      SasViewCache encoded,
      FhirServerProperties fhirProperties,
      SasSearchProperties properties) {
    this.clock = clock;
    this.view = new SasAnswerView(clock.getZone());
    this.loader = loader;
    this.readModel = readModel;
    this.encoded = encoded;
    this.pageSize = fhirProperties.maxPageSize();
    this.fastPath = new AtomicBoolean(properties.fastPath());
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean readQuery(RequestDetails request) {
    if (!SasSlotQuery.isSasSearch(request)) {
      return true;
    }
    SasSlotQuery query = SasSlotQuery.parse(request.getParameters(), clock.getZone());
    Instant now = clock.instant();
    Instant from = query.from().isBefore(now) ? now : query.from();
    Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameters());
    parameters.put(SasSlotQuery.PRACTITIONER_IDENTIFIER, new String[] {query.identifierTokens()});
    parameters.put(SasSlotQuery.START, new String[] {"ge" + iso(from), "le" + iso(query.to())});
    parameters.putIfAbsent("_count", new String[] {Integer.toString(pageSize)});
    if (fastPath.get() && isExactlyTheSasQuery(request)) {
      List<FreeSlot> free = readModel.freeSlots(query.idnps(), from, query.to(), query.cpts());
      if (free.size() <= pageSize) {
        answerFromReadModel(query, request, free);
        return false;
      }
    }
    request.setParameters(parameters);
    request.getUserData().put(QUERY, query);
    return true;
  }

  /**
   * Which path answers the SAS search from now on, on this node: the read model (true) or HAPI's
   * generic search (false). Set from {@code hub.sas.search.fast-path} at start; the benchmark and
   * the test that compares both paths switch it.
   */
  public void useFastPath(boolean fast) {
    fastPath.set(fast);
  }

  /** Only the SAS's own parameters (no _count, _sort, _elements...): the read model serves it. */
  private static boolean isExactlyTheSasQuery(RequestDetails request) {
    return SAS_PARAMETERS.containsAll(request.getParameters().keySet())
        && Arrays.equals(request.getParameters().get("status"), new String[] {"free"});
  }

  private Bundle build(
      SasSlotQuery query, RequestDetails request, SasSources sources, String nextLink) {
    return view.build(
        query, clock.instant(), sources, request.getFhirServerBase(), selfLink(request), nextLink);
  }

  /**
   * The read model's answer. In JSON (what the SAS asks for) the slots' views come encoded from the
   * read model, and only those it lacks are read and encoded now; in XML or pretty-printed, HAPI
   * encodes the whole view from the stored slots.
   */
  private void answerFromReadModel(
      SasSlotQuery query, RequestDetails request, List<FreeSlot> free) {
    ResponseEncoding encoding = RestfulServerUtils.determineResponseEncodingWithDefault(request);
    if (encoding.getEncoding() != EncodingEnum.JSON
        || RestfulServerUtils.prettyPrintResponse(request.getServer(), request)) {
      List<String> ids = free.stream().map(FreeSlot::id).toList();
      stream(request, build(query, request, loader.fromSlotIds(ids), null));
      return;
    }
    IParser parser =
        RestfulServerUtils.getNewParser(
            request.getFhirContext(), request.getFhirContext().getVersion().getVersion(), request);
    Map<String, Slot> computed =
        loader.loadDirect(
            Slot.class, free.stream().filter(f -> f.view() == null).map(FreeSlot::id).toList());
    List<Encoded> slots = new ArrayList<>();
    Set<String> scheduleIds = new TreeSet<>();
    Set<String> serviceIds = new TreeSet<>();
    for (FreeSlot slot : free.stream().sorted(IN_ANSWER_ORDER).toList()) {
      if (slot.view() != null) {
        slots.add(new Encoded("Slot", slot.id(), slot.view()));
        serviceIds.addAll(slot.serviceIds());
      } else if (computed.get(slot.id()) != null) {
        Slot stored = computed.get(slot.id());
        slots.add(
            new Encoded(
                "Slot",
                slot.id(),
                SasAnswerWriter.utf8(
                    parser.encodeResourceToString(view.slotView(stored, query.cpts())))));
        serviceIds.addAll(SasAnswerView.serviceIds(stored));
      } else {
        continue;
      }
      scheduleIds.add(slot.scheduleId());
    }
    List<Encoded> included =
        view
            .includedViews(
                query.cpts(), scheduleIds, serviceIds, loader.forIncludes(scheduleIds, serviceIds))
            .stream()
            .map(
                v ->
                    new Encoded(
                        v.type(),
                        v.id(),
                        encoded.included(
                            v.source(),
                            () ->
                                SasAnswerWriter.utf8(
                                    parser.encodeResourceToString(v.view().get())))))
            .toList();
    Bundle envelope = view.envelope(query, slots.size(), selfLink(request), null);
    try {
      boolean gzip = gzip(request);
      if (gzip) {
        request.getResponse().addHeader(Constants.HEADER_CONTENT_ENCODING, Constants.ENCODING_GZIP);
      }
      OutputStream body =
          request
              .getResponse()
              .getResponseOutputStream(
                  200, encoding.getResourceContentType() + Constants.CHARSET_UTF8_CTSUFFIX, null);
      // The writer hands over an entry in seven pieces: Tomcat gets them in 64 KB chunks.
      try (OutputStream out =
          new BufferedOutputStream(gzip ? new GZIPOutputStream(body) : body, 1 << 16)) {
        SasAnswerWriter.write(out, parser, envelope, request.getFhirServerBase(), slots, included);
      }
      request.getResponse().commitResponse(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean gzip(RequestDetails request) {
    String encodings = request.getHeader("Accept-Encoding");
    return encodings != null && encodings.toLowerCase(Locale.ROOT).contains("gzip");
  }

  private static void stream(RequestDetails request, Bundle answer) {
    boolean gzip = gzip(request);
    try {
      RestfulServerUtils.streamResponseAsResource(
          request.getServer(),
          answer,
          RestfulServerUtils.determineSummaryMode(request),
          200,
          false,
          gzip,
          request);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public boolean shapeAnswer(RequestDetails request, ResponseDetails response) {
    if (!(request.getUserData().get(QUERY) instanceof SasSlotQuery query)
        || !(response.getResponseResource() instanceof Bundle found)) {
      return true;
    }
    Bundle.BundleLinkComponent next = found.getLink(Bundle.LINK_NEXT);
    response.setResponseResource(
        build(query, request, loader.fromSearchAnswer(found), next == null ? null : next.getUrl()));
    return true;
  }

  /** The query as sent, URL-decoded (a literal {@code +} stays a {@code +}). */
  static String selfLink(RequestDetails request) {
    String query =
        request instanceof ServletRequestDetails servlet
            ? servlet.getServletRequest().getQueryString()
            : null;
    String base = request.getFhirServerBase() + "/" + request.getResourceName();
    if (query == null || query.isEmpty()) {
      return base;
    }
    return base + "?" + URLDecoder.decode(query.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private String iso(Instant instant) {
    return ISO.format(instant.atZone(clock.getZone()));
  }
}
