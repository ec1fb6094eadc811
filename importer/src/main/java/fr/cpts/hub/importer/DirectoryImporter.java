package fr.cpts.hub.importer;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.mappers.rpps.RppsExtractException;
import fr.cpts.hub.mappers.rpps.RppsExtractMapper;
import fr.cpts.hub.mappers.rpps.RppsImport;
import fr.cpts.hub.mappers.rpps.RppsProfessional;
import fr.cpts.hub.profiles.FrExtensions;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseOperationOutcome;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Imports an RPPS extract into a running hub through HAPI's generic client. Not thread-safe; one
 * instance per run.
 *
 * <h2>Writes</h2>
 *
 * The mapper's professionals go by batches of {@link ImportOptions#batchSize()} into transaction
 * Bundles of conditional PUTs on the identifiers the mapper gives each resource ({@link
 * RppsProfessional#conditionalUrl}): {@code Practitioner?identifier=<IDNPS>}, {@code
 * Organization?identifier=<IDNST>}, the hub's own identifiers of a Location and a PractitionerRole.
 * Organizations and Locations go first so that the roles' literal references find them. A resource
 * shared by several professionals of a batch is sent once. Every resource carries the {@link
 * ImportTag}. Re-importing the same extract updates in place: HAPI stores no new version of a
 * resource whose content did not change, and says so in each entry's outcome ({@code
 * SUCCESSFUL_UPDATE_NO_CHANGE}), which is how {@code unchanged} is counted.
 *
 * <p>A batch the hub refuses (a 4xx or 5xx answer) is sent again one professional at a time: the
 * others are written, each refused one is reported with the hub's OperationOutcome ({@code
 * HUB-0809}). A hub that cannot be reached stops the import ({@code HUB-0808}).
 *
 * <h2>Deactivation</h2>
 *
 * Only after the whole file was read, and written without the hub becoming unreachable: the active
 * PractitionerRoles the import tagged earlier, whose Location lies in the territory and which this
 * extract no longer has, become {@code active=false}; so does a tagged Practitioner absent from the
 * extract once no active role is left to them. Nothing is deleted. Refused ({@code HUB-0807}) when
 * the file has no data line, or when more than {@link ImportOptions#maxDeactivationShare()} of the
 * territory's active tagged roles would go, unless {@link ImportOptions#allowMassDeactivation()}.
 */
public final class DirectoryImporter {

  static final String MASS_DEACTIVATION = "HUB-0807";
  static final String HUB_UNREACHABLE = "HUB-0808";
  static final String HUB_REFUSED = "HUB-0809";

  /** Page size of the searches for earlier imports' resources. */
  static final int PAGE_SIZE = 200;

  private static final String NO_CHANGE = "_NO_CHANGE";

  private final IGenericClient client;
  private final ImportOptions options;
  private final String hub;
  private final ImportReport report = new ImportReport();

  /** Ids of the roles and practitioners this extract has (kept lines): not to be deactivated. */
  private final Set<String> rolesSeen = new HashSet<>();

  private final Set<String> practitionersSeen = new HashSet<>();

  /**
   * @param client the hub's client; {@code null} only for a dry run
   */
  public DirectoryImporter(IGenericClient client, ImportOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    if (client == null && !options.dryRun()) {
      throw new IllegalArgumentException("a client is needed unless it is a dry run");
    }
    this.client = client;
    this.hub = client == null ? "(dry run)" : client.getServerBase();
  }

  /** Runs the import without a progress listener. */
  public ImportReport run() {
    return run((lines, bytes) -> {});
  }

  /**
   * Runs the import.
   *
   * @param progress told the lines and bytes read, every 64 KB
   */
  public ImportReport run(CountingInputStream.Listener progress) {
    long start = System.nanoTime();
    try {
      if (client != null && !reachable()) {
        return report;
      }
      boolean complete = importExtract(progress);
      if (complete && client != null) {
        deactivateAbsent();
      }
    } catch (HubUnreachable e) {
      report.fatal(e.getMessage());
    } finally {
      report.elapsed((System.nanoTime() - start) / 1_000_000);
    }
    return report;
  }

  /** Reads and writes the extract; whether it was read to its end. */
  private boolean importExtract(CountingInputStream.Listener progress) {
    CountingInputStream counting = null;
    RppsImport rows = null;
    try {
      InputStream file = Files.newInputStream(options.extract());
      counting = new CountingInputStream(file, progress);
      rows = new RppsExtractMapper().open(new BufferedInputStream(counting), options.territory());
      List<RppsProfessional> batch = new ArrayList<>(options.batchSize());
      while (rows.hasNext()) {
        RppsProfessional professional = rows.next();
        practitionersSeen.add(professional.practitioner().getIdPart());
        professional.roles().forEach(r -> rolesSeen.add(r.getIdPart()));
        batch.add(professional);
        if (batch.size() >= options.batchSize()) {
          send(batch);
          batch.clear();
        }
      }
      send(batch);
      report.extract(rows.summary(), counting.bytes());
      progress.read(counting.lines(), counting.bytes());
      return true;
    } catch (RppsExtractException e) {
      if (rows != null) {
        report.extract(rows.summary(), counting.bytes());
      }
      report.fatal(e.getMessage());
      return false;
    } catch (IOException e) {
      report.fatal("HUB-0802: the RPPS extract cannot be read: " + e);
      return false;
    } finally {
      if (rows != null) {
        rows.close();
      } else if (counting != null) {
        try {
          counting.close();
        } catch (IOException ignored) {
          // nothing was read: nothing to lose
        }
      }
    }
  }

  private boolean reachable() {
    try {
      client.capabilities().ofType(CapabilityStatement.class).execute();
      return true;
    } catch (FhirClientConnectionException e) {
      report.fatal(unreachable(e));
      return false;
    }
  }

  private String unreachable(Exception e) {
    return HUB_UNREACHABLE
        + ": the hub at "
        + hub
        + " cannot be reached ("
        + e.getMessage()
        + "); check --hub and that the hub is started";
  }

  /** Sends one batch; on a refusal, its professionals one by one. */
  private void send(List<RppsProfessional> batch) {
    if (batch.isEmpty() || options.dryRun()) {
      return;
    }
    try {
      write(batch);
    } catch (BaseServerResponseException refused) {
      if (batch.size() == 1) {
        RppsProfessional professional = batch.get(0);
        report.refused(
            new ImportReport.Refusal(
                professional.idnps(),
                professional.lines(),
                HUB_REFUSED
                    + ": "
                    + refused.getStatusCode()
                    + " "
                    + outcomeText(refused.getOperationOutcome(), refused.getMessage())));
        return;
      }
      for (RppsProfessional professional : batch) {
        send(List.of(professional));
      }
    }
  }

  /** One transaction for the batch; counts the hub's answers. */
  private void write(List<RppsProfessional> batch) {
    List<String> types = new ArrayList<>();
    Bundle response = transact(transaction(batch, types));
    count(response, types);
  }

  /**
   * The transaction of conditional PUTs that writes a batch of professionals, every resource tagged
   * ({@link ImportTag}); {@code types} receives the resource type of each entry, in order.
   */
  static Bundle transaction(List<RppsProfessional> batch, List<String> types) {
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    Set<String> urls = new LinkedHashSet<>();
    // Organizations, then Locations, then Practitioners, then their roles: referenced first.
    for (String type : List.of("Organization", "Location", "Practitioner", "PractitionerRole")) {
      for (RppsProfessional professional : batch) {
        for (Resource resource : professional.resources()) {
          if (!resource.fhirType().equals(type)
              || (professional.continuesEarlier() && resource instanceof Practitioner)) {
            // A professional whose lines were split keeps the Practitioner of their first lines.
            continue;
          }
          String url = RppsProfessional.conditionalUrl(resource);
          if (!urls.add(url)) {
            continue;
          }
          tag(resource);
          transaction
              .addEntry()
              .setResource(resource)
              .getRequest()
              .setMethod(HTTPVerb.PUT)
              .setUrl(url);
          types.add(type);
        }
      }
    }
    return transaction;
  }

  private Bundle transact(Bundle transaction) {
    try {
      Bundle response = client.transaction().withBundle(transaction).execute();
      report.transactionSent();
      return response;
    } catch (FhirClientConnectionException e) {
      throw new HubUnreachable(unreachable(e));
    }
  }

  private void count(Bundle response, List<String> types) {
    List<BundleEntryComponent> entries = response.getEntry();
    for (int i = 0; i < entries.size() && i < types.size(); i++) {
      Bundle.BundleEntryResponseComponent answer = entries.get(i).getResponse();
      String type = types.get(i);
      if (answer.getStatus().startsWith("201")) {
        report.created(type);
      } else if (noChange(answer.getOutcome())) {
        report.unchanged(type);
      } else {
        report.updated(type);
      }
    }
  }

  /** Whether HAPI's outcome of a write says it stored nothing new. */
  static boolean noChange(Resource outcome) {
    if (outcome instanceof OperationOutcome oo) {
      return oo.getIssue().stream()
          .flatMap(issue -> issue.getDetails().getCoding().stream())
          .map(Coding::getCode)
          .anyMatch(code -> code != null && code.endsWith(NO_CHANGE));
    }
    return false;
  }

  static void tag(Resource resource) {
    Coding tag = ImportTag.coding();
    if (resource.getMeta().getTag(tag.getSystem(), tag.getCode()) == null) {
      resource.getMeta().addTag(tag);
    }
  }

  static String outcomeText(IBaseOperationOutcome outcome, String fallback) {
    if (outcome instanceof OperationOutcome oo && oo.hasIssue()) {
      return oo.getIssue().stream()
          .map(
              issue ->
                  issue.getSeverity().toCode()
                      + ": "
                      + (issue.hasDiagnostics()
                          ? issue.getDiagnostics()
                          : issue.getDetails().getText())
                      + (issue.hasLocation() ? " @ " + issue.getLocation().get(0) : ""))
          .collect(Collectors.joining("; "));
    }
    return fallback;
  }

  // ---------------------------------------------------------------------------------------------
  // Deactivation

  private void deactivateAbsent() {
    if (report.extract().linesRead() == 0) {
      report.deactivationSkipped(
          MASS_DEACTIVATION + ": the extract has no data line; nobody deactivated", true);
      return;
    }
    List<PractitionerRole> gone = new ArrayList<>();
    long active = 0;
    Bundle page =
        client
            .search()
            .forResource(PractitionerRole.class)
            .withTag(ImportTag.SYSTEM, ImportTag.RPPS_EXTRACT)
            .where(PractitionerRole.ACTIVE.exactly().code("true"))
            .include(PractitionerRole.INCLUDE_LOCATION)
            .count(PAGE_SIZE)
            .returnBundle(Bundle.class)
            .execute();
    while (page != null) {
      Map<String, Location> locations = new HashMap<>();
      for (BundleEntryComponent entry : page.getEntry()) {
        if (entry.getResource() instanceof Location location) {
          locations.put("Location/" + location.getIdPart(), location);
        }
      }
      for (BundleEntryComponent entry : page.getEntry()) {
        if (entry.getResource() instanceof PractitionerRole role && inTerritory(role, locations)) {
          active++;
          if (!rolesSeen.contains(role.getIdPart())) {
            gone.add(role);
          }
        }
      }
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
    }
    if (gone.isEmpty()) {
      return;
    }
    double share = (double) gone.size() / active;
    if (share > options.maxDeactivationShare() && !options.allowMassDeactivation()) {
      report.deactivationSkipped(
          String.format(
              Locale.ROOT,
              "%s: %d of the territory's %d active imported roles (%.0f %%) are not in this"
                  + " extract, above the limit of %.0f %%: is the file complete? Nobody"
                  + " deactivated; run again with --allow-mass-deactivation if it is",
              MASS_DEACTIVATION,
              gone.size(),
              active,
              share * 100,
              options.maxDeactivationShare() * 100),
          true);
      return;
    }
    Set<String> practitioners = new LinkedHashSet<>();
    List<Resource> writes = new ArrayList<>();
    for (PractitionerRole role : gone) {
      role.setActive(false);
      writes.add(role);
      String practitioner = role.getPractitioner().getReferenceElement().getIdPart();
      if (practitioner != null && !practitionersSeen.contains(practitioner)) {
        practitioners.add(practitioner);
      }
    }
    writeAll(writes, "PractitionerRole");
    writes.clear();
    for (String id : practitioners) {
      if (activeRoles(id) == 0) {
        Practitioner practitioner = client.read().resource(Practitioner.class).withId(id).execute();
        if (practitioner.getActive()
            && practitioner.getMeta().getTag(ImportTag.SYSTEM, ImportTag.RPPS_EXTRACT) != null) {
          practitioner.setActive(false);
          writes.add(practitioner);
        }
      }
    }
    writeAll(writes, "Practitioner");
  }

  private boolean inTerritory(PractitionerRole role, Map<String, Location> locations) {
    for (Reference reference : role.getLocation()) {
      Location location =
          locations.get(reference.getReferenceElement().toUnqualifiedVersionless().getValue());
      if (location != null) {
        Extension insee = location.getAddress().getExtensionByUrl(FrExtensions.ADDRESS_INSEE_CODE);
        String commune =
            insee != null && insee.getValue() instanceof Coding coding ? coding.getCode() : null;
        if (commune != null && options.territory().contains(commune, null)) {
          return true;
        }
      }
    }
    return false;
  }

  private int activeRoles(String practitionerId) {
    Bundle count =
        client
            .search()
            .forResource(PractitionerRole.class)
            .where(PractitionerRole.PRACTITIONER.hasId("Practitioner/" + practitionerId))
            .where(PractitionerRole.ACTIVE.exactly().code("true"))
            .summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
            .returnBundle(Bundle.class)
            .execute();
    return count.getTotal();
  }

  /** PUTs by id, in transactions of the batch size. */
  private void writeAll(List<Resource> resources, String type) {
    for (int from = 0; from < resources.size(); from += options.batchSize()) {
      Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
      for (Resource resource :
          resources.subList(from, Math.min(resources.size(), from + options.batchSize()))) {
        transaction
            .addEntry()
            .setResource(resource)
            .getRequest()
            .setMethod(HTTPVerb.PUT)
            .setUrl(type + "/" + resource.getIdElement().getIdPart());
      }
      try {
        transact(transaction);
        transaction.getEntry().forEach(e -> report.deactivated(type));
      } catch (BaseServerResponseException e) {
        report.deactivationSkipped(
            HUB_REFUSED
                + ": the hub refused a deactivation: "
                + e.getStatusCode()
                + " "
                + outcomeText(e.getOperationOutcome(), e.getMessage()),
            true);
      }
    }
  }

  /** The hub stopped answering: the import cannot go on. */
  private static final class HubUnreachable extends RuntimeException {
    HubUnreachable(String message) {
      super(message);
    }
  }
}
