package fr.cpts.hub.server.imaging;

import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.app.HL7Service;
import ca.uhn.hl7v2.app.SimpleServer;
import ca.uhn.hl7v2.llp.MinLowerLayerProtocol;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.v25.message.ACK;
import ca.uhn.hl7v2.model.v25.segment.MSH;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.protocol.ReceivingApplication;
import ca.uhn.hl7v2.protocol.ReceivingApplicationExceptionHandler;
import ca.uhn.hl7v2.protocol.impl.ApplicationRouterImpl;
import ca.uhn.hl7v2.util.idgenerator.InMemoryIDGenerator;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The MLLP listener ({@code hub.hl7v2.mllp.enabled}, off by default): HAPI HL7 v2's own {@link
 * SimpleServer} on {@code hub.hl7v2.mllp.port}, handing every message to {@link
 * Hl7v2MessageProcessor} and answering the acknowledgement it builds. Started once the hub is up,
 * stopped (and its threads with it) when the hub shuts down.
 *
 * <p><b>Character sets.</b> HAPI's MLLP reader turns each frame into a Java string with one fixed
 * character set; its MSH-18-aware variant ({@code ExtendedMinLowerLayerProtocol}) knows fewer names
 * than the hub and replaces invalid bytes silently. The listener therefore gives the reader
 * ISO-8859-1, which maps every byte to the character of the same value and back: the processor gets
 * the message's bytes exactly as they came, and {@code Hl7v2Reader} decodes them as MSH-18 says (or
 * as the hub guesses when it is empty), refusing bytes invalid in that set ({@code HUB-0903}). The
 * {@code ca.uhn.hl7v2.llp.charset} system property plays no part. Acknowledgements are ASCII, the
 * same bytes in every set.
 *
 * <p><b>No message dropped.</b> HAPI parses each message before calling the application; one that
 * it cannot parse goes to the exception handler instead, which processes it the same way (it is
 * refused and kept). The server's parser never fails on the header it needs to answer (a message
 * without a readable MSH is still acknowledged AE). What HAPI logs of a message (at DEBUG, or with
 * its errors) is silenced in {@code application.yaml}: messages are personal health data.
 */
@Component
public class MllpListener implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(MllpListener.class);

  /** Marks, in HAPI's metadata, a message the application has already processed. */
  private static final String PROCESSED = "fr.cpts.hub.hl7v2.processed";

  private final MllpProperties properties;
  private final Hl7v2MessageProcessor processor;
  private HL7Service server;
  private ExecutorService executor;

  public MllpListener(MllpProperties properties, Hl7v2MessageProcessor processor) {
    this.properties = properties;
    this.processor = processor;
  }

  @Override
  public synchronized void start() {
    if (!properties.enabled() || server != null) {
      return;
    }
    HapiContext context = new DefaultHapiContext(new CanonicalModelClassFactory("2.5"));
    context.setValidationContext(ValidationContextFactory.noValidation());
    // HAPI's default id generator keeps a file in the working directory.
    context.getParserConfiguration().setIdGenerator(new InMemoryIDGenerator());
    ListenerParser parser = new ListenerParser(context);
    MinLowerLayerProtocol llp = new MinLowerLayerProtocol(false);
    llp.setCharset(StandardCharsets.ISO_8859_1);
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread thread = new Thread(r, "hl7v2-mllp-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    SimpleServer simpleServer = new SimpleServer(properties.port(), llp, parser, false, executor);
    simpleServer.registerApplication(new Application(parser));
    simpleServer.setExceptionHandler(new UnparsedMessages());
    try {
      simpleServer.startAndWait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("the MLLP listener did not start", e);
    }
    server = simpleServer;
    log.info(
        "MLLP listener on port {} for {} radiology source(s)",
        properties.port(),
        properties.sources().size());
  }

  @Override
  public synchronized void stop() {
    if (server != null) {
      server.stopAndWait();
      server = null;
      executor.shutdownNow();
      executor = null;
      log.info("MLLP listener stopped");
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return server != null;
  }

  private static byte[] bytes(String received) {
    // The reader decoded the frame as ISO-8859-1: back to the very bytes received.
    return received.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Every message HAPI could parse: processed from its raw text, answered with the hub's ACK. */
  private final class Application implements ReceivingApplication<Message> {

    private final PipeParser parser;

    Application(PipeParser parser) {
      this.parser = parser;
    }

    @Override
    public Message processMessage(Message parsed, Map<String, Object> metadata)
        throws HL7Exception {
      String raw = (String) metadata.get(ApplicationRouterImpl.RAW_MESSAGE_KEY);
      metadata.put(PROCESSED, Boolean.TRUE);
      return parser.parse(processor.process(bytes(raw)));
    }

    @Override
    public boolean canProcess(Message message) {
      return true;
    }
  }

  /** Every message HAPI could not parse: processed the same way (it is refused and kept). */
  private final class UnparsedMessages implements ReceivingApplicationExceptionHandler {

    @Override
    public String processException(
        String incoming, Map<String, Object> metadata, String outgoing, Exception e) {
      if (metadata != null && metadata.containsKey(PROCESSED)) {
        // The hub's own answer could not be handed back: HAPI's negative acknowledgement goes.
        return outgoing;
      }
      return processor.process(bytes(incoming));
    }
  }

  /**
   * HAPI's pipe parser, but for the header it needs to answer a message it cannot parse: when the
   * message has no readable MSH, an empty one, so that an acknowledgement still goes back.
   */
  static final class ListenerParser extends PipeParser {

    ListenerParser(HapiContext context) {
      super(context);
    }

    @Override
    public Segment getCriticalResponseData(String message) throws HL7Exception {
      try {
        return super.getCriticalResponseData(message);
      } catch (HL7Exception | RuntimeException e) {
        ACK placeholder = new ACK();
        placeholder.setParser(this);
        MSH msh = placeholder.getMSH();
        msh.getFieldSeparator().setValue("|");
        msh.getEncodingCharacters().setValue("^~\\&");
        msh.getVersionID().getVersionID().setValue("2.5");
        return msh;
      }
    }
  }
}
