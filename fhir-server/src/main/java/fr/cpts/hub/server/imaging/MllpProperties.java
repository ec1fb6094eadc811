package fr.cpts.hub.server.imaging;

import fr.cpts.hub.mappers.hl7v2.Er7Charset;
import fr.cpts.hub.mappers.hl7v2.OrderMessageType;
import fr.cpts.hub.mappers.hl7v2.RadiologySource;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.util.List;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The hub's MLLP listener for the HL7 v2 messages of radiology information systems (ORU^R01
 * results, SIU^S12... scheduling).
 *
 * @param enabled whether the listener runs (off by default)
 * @param port the TCP port it listens on (2575, the port IANA assigns to HL7 over MLLP)
 * @param sources the radiology groups whose RIS may send, by MSH-3 (and MSH-4 when given); a
 *     message from any other sender is rejected (AR, {@code HUB-0910}) and kept
 */
@Validated
@ConfigurationProperties("hub.hl7v2.mllp")
public record MllpProperties(
    @DefaultValue("false") boolean enabled,
    @DefaultValue("2575") @Min(1) @Max(65535) int port,
    @DefaultValue List<@Valid Source> sources) {

  public MllpProperties {
    sources = sources == null ? List.of() : List.copyOf(sources);
  }

  /**
   * One radiology group's RIS, as it names itself in MSH, and what the hub knows of it.
   *
   * @param sendingApplication MSH-3 (its first component), also the namespace of the RIS's filler
   *     numbers (EI.2), e.g. {@code RIS-GOLFE}
   * @param sendingFacility MSH-4 (its first component); empty: any facility
   * @param code the group's code in the hub's identifier systems, e.g. {@code radiologie-golfe}
   * @param wadoRsBase the DICOMweb base of its PACS for results without an image link; empty: none
   * @param organizationIdnst the group's IDNST: the imaging orders whose performer is its
   *     Organization are sent to its RIS; empty: none is sent
   * @param orderHost the host of the RIS's MLLP listener for orders; empty: none is sent
   * @param orderPort its port
   * @param orderMessage ORM_O01 or OMI_O23
   * @param orderCharset the character set of the orders (MSH-18): UTF_8 or ISO_8859_1
   */
  public record Source(
      @NotBlank String sendingApplication,
      @DefaultValue("") String sendingFacility,
      @NotBlank String code,
      @DefaultValue("") String wadoRsBase,
      @DefaultValue("") String organizationIdnst,
      @DefaultValue("") String orderHost,
      @DefaultValue("2575") @Min(1) @Max(65535) int orderPort,
      @DefaultValue("ORM_O01") OrderMessageType orderMessage,
      @DefaultValue("UTF_8") Er7Charset orderCharset) {

    public Source {
      sendingFacility = sendingFacility == null ? "" : sendingFacility;
      wadoRsBase = wadoRsBase == null ? "" : wadoRsBase;
      organizationIdnst = organizationIdnst == null ? "" : organizationIdnst;
      orderHost = orderHost == null ? "" : orderHost;
      orderMessage = orderMessage == null ? OrderMessageType.ORM_O01 : orderMessage;
      orderCharset = orderCharset == null ? Er7Charset.UTF_8 : orderCharset;
    }

    /** Whether the hub sends this group's imaging orders to its RIS. */
    public boolean receivesOrders() {
      return !organizationIdnst.isBlank() && !orderHost.isBlank();
    }

    public RadiologySource radiologySource() {
      return new RadiologySource(
          code, sendingApplication, wadoRsBase.isBlank() ? null : wadoRsBase);
    }

    boolean accepts(String application, String facility) {
      return sendingApplication.equals(application)
          && (sendingFacility.isBlank() || sendingFacility.equals(facility));
    }
  }

  /** The group whose RIS receives the orders performed by the structure of that IDNST. */
  public Optional<Source> receiverOfOrdersFor(String idnst) {
    return sources.stream()
        .filter(s -> s.receivesOrders() && s.organizationIdnst().equals(idnst))
        .findFirst();
  }

  /** The source of that code. */
  public Optional<Source> source(String code) {
    return sources.stream().filter(s -> s.code().equals(code)).findFirst();
  }

  /** The source a message comes from, by its MSH-3 and MSH-4. */
  public Optional<Source> source(String sendingApplication, String sendingFacility) {
    return sources.stream().filter(s -> s.accepts(sendingApplication, sendingFacility)).findFirst();
  }
}
