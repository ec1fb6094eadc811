package fr.cpts.hub.server.sas;

import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.HealthcareService;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.PractitionerRole;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;

/**
 * The stored resources a SAS answer is made of, as the hub holds them, each map keyed by the
 * resource's id part. Whichever path found them (HAPI's search or the slot read model), {@link
 * SasAnswerView} turns them into the same answer.
 *
 * @param slots the matching slots
 * @param total how many slots match in all (more than {@code slots} when the answer is paged)
 */
public record SasSources(
    List<Slot> slots,
    int total,
    Map<String, Schedule> schedules,
    Map<String, Practitioner> practitioners,
    Map<String, PractitionerRole> roles,
    Map<String, Location> locations,
    Map<String, Organization> organizations,
    Map<String, HealthcareService> services) {}
