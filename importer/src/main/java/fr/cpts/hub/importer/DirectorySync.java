package fr.cpts.hub.importer;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import fr.cpts.hub.mappers.rpps.NationalDirectoryMapper;
import fr.cpts.hub.mappers.rpps.RppsProfessional;
import fr.cpts.hub.profiles.FrIdentifiers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Resource;

/**
 * The delta sync: reads from the national directory's FHIR API ({@link NationalDirectoryApi}) the
 * professionals changed since the watermark, {@code Practitioner?_lastUpdated=ge<watermark>} page
 * after page, with their roles and Organizations, maps them as the extract import does ({@link
 * NationalDirectoryMapper}: same resources, same ids) and writes them into the hub the same way
 * (one transaction of conditional PUTs per page, on the IDNPS, the IDNST and the hub's own
 * identifiers; {@link DirectoryImporter#transaction}). Running it again changes nothing: an
 * unchanged resource gets no new version.
 *
 * <h2>Deactivation</h2>
 *
 * For each professional read: the hub's active PractitionerRoles that an import or a sync wrote
 * (tagged {@link ImportTag}) and that the API no longer gives as active inside the territory become
 * {@code active=false}; so does the professional's tagged Practitioner when none of their roles is
 * left — in particular a professional the API returns with {@code active=false}. Nothing is
 * deleted; a professional the hub does not have is not created inactive.
 *
 * <h2>Watermark</h2>
 *
 * The latest {@code meta.lastUpdated} of the Practitioners read, written to the watermark file
 * ({@link Watermark}) only at the end of a run that read every page and wrote everything: the API
 * does not promise its pages in {@code _lastUpdated} order, so a watermark moved mid-run could skip
 * what a later page held. The next run asks {@code ge} that instant: the professionals of that very
 * instant come again, and change nothing.
 *
 * <p>Not read: a PractitionerRole or Organization changed while its Practitioner was not (the query
 * is on Practitioner); the monthly extract import catches those.
 */
public final class DirectorySync {

  private final IGenericClient hub;
  private final NationalDirectoryApi api;
  private final SyncOptions options;
  private final Watermark watermark;
  private final NationalDirectoryMapper mapper = new NationalDirectoryMapper();
  private final SyncReport report = new SyncReport();

  DirectorySync(IGenericClient hub, NationalDirectoryApi api, SyncOptions options) {
    this.hub = Objects.requireNonNull(hub, "hub");
    this.api = Objects.requireNonNull(api, "api");
    this.options = Objects.requireNonNull(options, "options");
    this.watermark = new Watermark(options.watermark());
  }

  /**
   * A sync of the hub {@code hub} from the API at {@code apiBase} with the key {@code apiKey}.
   *
   * @param timeoutSeconds the socket timeout of each call to the API
   */
  public static DirectorySync of(
      IGenericClient hub, String apiBase, String apiKey, SyncOptions options, int timeoutSeconds) {
    IGenericClient client =
        NationalDirectoryApi.client(apiBase, apiKey, options.callsPerSecond(), timeoutSeconds);
    return new DirectorySync(
        hub,
        new NationalDirectoryApi(
            client,
            options.maxAttempts(),
            options.firstRetryWait(),
            duration -> Thread.sleep(duration.toMillis())),
        options);
  }

  /** Runs the sync once. */
  public SyncReport run() {
    long start = System.nanoTime();
    try {
      Instant since = options.since() != null ? options.since() : watermark.read().orElse(null);
      if (since == null) {
        report.fatal(
            Watermark.UNREADABLE
                + ": no watermark in "
                + watermark.file()
                + " yet; give --since for the first run (e.g. the date of the extract last"
                + " imported)",
            ImportExitCode.USAGE);
        return report;
      }
      report.since(since);
      Instant newest = since;
      Bundle page = api.changedSince(since, options.pageSize());
      while (page != null) {
        report.page();
        List<Practitioner> practitioners = NationalDirectoryApi.practitioners(page);
        for (Practitioner practitioner : practitioners) {
          if (practitioner.getMeta().hasLastUpdated()) {
            Instant updated = practitioner.getMeta().getLastUpdated().toInstant();
            if (updated.isAfter(newest)) {
              newest = updated;
            }
          }
        }
        syncPage(practitioners);
        page = api.next(page);
      }
      boolean clean = report.refusals().isEmpty();
      if (clean) {
        watermark.write(newest);
      }
      report.watermark(clean ? newest : since, clean);
    } catch (NationalDirectoryApi.Failure e) {
      report.fatal(e.getMessage(), e.exitCode());
    } catch (FhirClientConnectionException e) {
      report.fatal(
          DirectoryImporter.HUB_UNREACHABLE
              + ": the hub at "
              + hub.getServerBase()
              + " cannot be reached ("
              + e.getMessage()
              + "); check --hub and that the hub is started",
          ImportExitCode.HUB_UNREACHABLE);
    } catch (IllegalStateException e) {
      report.fatal(e.getMessage(), ImportExitCode.USAGE);
    } finally {
      report.api(api.calls(), api.retries());
      report.elapsed((System.nanoTime() - start) / 1_000_000);
    }
    return report;
  }

  private void syncPage(List<Practitioner> practitioners) {
    report.read(practitioners.size());
    List<String> ids = practitioners.stream().map(p -> p.getIdElement().getIdPart()).toList();
    NationalDirectoryApi.Roles roles = api.rolesOf(ids, options.pageSize());
    List<RppsProfessional> batch = new ArrayList<>();
    Map<String, Set<String>> keptRoles = new HashMap<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Practitioner practitioner : practitioners) {
      NationalDirectoryMapper.Outcome outcome =
          mapper.map(
              practitioner,
              roles
                  .byPractitioner()
                  .getOrDefault(practitioner.getIdElement().getIdPart(), List.of()),
              roles.organizations(),
              options.territory());
      if (outcome instanceof NationalDirectoryMapper.Mapped mapped) {
        report.countKept();
        batch.add(mapped.professional());
        keptRoles.put(
            mapped.idnps(),
            mapped.professional().roles().stream()
                .map(r -> r.getIdPart())
                .collect(Collectors.toSet()));
        seen.add(mapped.idnps());
      } else if (outcome instanceof NationalDirectoryMapper.Outside outside) {
        report.countOutside();
        seen.add(outside.idnps());
      } else if (outcome instanceof NationalDirectoryMapper.Refused refused) {
        report.rejected(refused.reason());
      }
    }
    send(batch);
    deactivate(seen, keptRoles);
  }

  /** One transaction for the batch; professional by professional when the hub refuses it. */
  private void send(List<RppsProfessional> batch) {
    if (batch.isEmpty()) {
      return;
    }
    for (RppsProfessional professional : batch) {
      for (Resource resource : professional.resources()) {
        if (resource.getMeta().getTag(ImportTag.SYSTEM, ImportTag.ANNUAIRE_API) == null) {
          resource.getMeta().addTag(ImportTag.apiCoding());
        }
      }
    }
    List<String> types = new ArrayList<>();
    try {
      Bundle response =
          hub.transaction().withBundle(DirectoryImporter.transaction(batch, types)).execute();
      count(response, types);
    } catch (FhirClientConnectionException unreachable) {
      throw unreachable;
    } catch (BaseServerResponseException refused) {
      if (batch.size() == 1) {
        RppsProfessional professional = batch.get(0);
        report.refused(
            new ImportReport.Refusal(
                professional.idnps(),
                List.of(),
                DirectoryImporter.HUB_REFUSED
                    + ": "
                    + refused.getStatusCode()
                    + " "
                    + DirectoryImporter.outcomeText(
                        refused.getOperationOutcome(), refused.getMessage())));
        return;
      }
      for (RppsProfessional professional : batch) {
        send(List.of(professional));
      }
    }
  }

  private void count(Bundle response, List<String> types) {
    List<BundleEntryComponent> entries = response.getEntry();
    for (int i = 0; i < entries.size() && i < types.size(); i++) {
      Bundle.BundleEntryResponseComponent answer = entries.get(i).getResponse();
      ImportReport.Counts counts = report.mutableCounts(types.get(i));
      if (answer.getStatus().startsWith("201")) {
        counts.created++;
      } else if (DirectoryImporter.noChange(answer.getOutcome())) {
        counts.unchanged++;
      } else {
        counts.updated++;
      }
    }
  }

  /**
   * The tagged active roles of these professionals that this page did not keep, then the tagged
   * Practitioners left without a role, become inactive.
   */
  private void deactivate(Set<String> idnpsRead, Map<String, Set<String>> keptRoles) {
    if (idnpsRead.isEmpty()) {
      return;
    }
    String identifiers =
        idnpsRead.stream().map(v -> FrIdentifiers.IDNPS + "|" + v).collect(Collectors.joining(","));
    List<Resource> writes = new ArrayList<>();
    Set<String> withRolesLeft = new HashSet<>(keptRoles.keySet());
    Bundle page =
        hub.search()
            .byUrl(
                "PractitionerRole?practitioner.identifier="
                    + identifiers
                    + "&active=true&_tag="
                    + ImportTag.SEARCH_VALUE
                    + "&_count="
                    + DirectoryImporter.PAGE_SIZE)
            .returnBundle(Bundle.class)
            .execute();
    while (page != null) {
      for (BundleEntryComponent entry : page.getEntry()) {
        if (entry.getResource() instanceof PractitionerRole role) {
          String idnps = role.getPractitioner().getIdentifier().getValue();
          if (!keptRoles.getOrDefault(idnps, Set.of()).contains(role.getIdPart())) {
            role.setActive(false);
            writes.add(role);
          }
        }
      }
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : hub.loadPage().next(page).execute();
    }
    putAll(writes, "PractitionerRole");
    writes.clear();
    for (String idnps : idnpsRead) {
      if (withRolesLeft.contains(idnps)) {
        continue;
      }
      Bundle found =
          hub.search()
              .forResource(Practitioner.class)
              .where(Practitioner.IDENTIFIER.exactly().systemAndCode(FrIdentifiers.IDNPS, idnps))
              .withTag(ImportTag.SYSTEM, ImportTag.RPPS_EXTRACT)
              .where(Practitioner.ACTIVE.exactly().code("true"))
              .returnBundle(Bundle.class)
              .execute();
      for (BundleEntryComponent entry : found.getEntry()) {
        if (entry.getResource() instanceof Practitioner practitioner
            && activeRoles(practitioner) == 0) {
          practitioner.setActive(false);
          writes.add(practitioner);
        }
      }
    }
    putAll(writes, "Practitioner");
  }

  private int activeRoles(Practitioner practitioner) {
    return hub.search()
        .forResource(PractitionerRole.class)
        .where(
            PractitionerRole.PRACTITIONER.hasId(
                practitioner.getIdElement().toUnqualifiedVersionless().getValue()))
        .where(PractitionerRole.ACTIVE.exactly().code("true"))
        .summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
        .returnBundle(Bundle.class)
        .execute()
        .getTotal();
  }

  private void putAll(List<Resource> resources, String type) {
    if (resources.isEmpty()) {
      return;
    }
    Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
    for (Resource resource : resources) {
      if (resource.getMeta().getTag(ImportTag.SYSTEM, ImportTag.ANNUAIRE_API) == null) {
        Coding tag = ImportTag.apiCoding();
        resource.getMeta().addTag(tag);
      }
      transaction
          .addEntry()
          .setResource(resource)
          .getRequest()
          .setMethod(HTTPVerb.PUT)
          .setUrl(type + "/" + resource.getIdElement().getIdPart());
    }
    try {
      hub.transaction().withBundle(transaction).execute();
      resources.forEach(r -> report.mutableCounts(type).deactivated++);
    } catch (FhirClientConnectionException unreachable) {
      throw unreachable;
    } catch (BaseServerResponseException e) {
      report.refused(
          new ImportReport.Refusal(
              null,
              List.of(),
              DirectoryImporter.HUB_REFUSED
                  + ": the hub refused a deactivation: "
                  + e.getStatusCode()
                  + " "
                  + DirectoryImporter.outcomeText(e.getOperationOutcome(), e.getMessage())));
    }
  }
}
