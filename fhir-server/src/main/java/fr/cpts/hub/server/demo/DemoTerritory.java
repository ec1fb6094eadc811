package fr.cpts.hub.server.demo;

import java.util.List;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Slot;

/**
 * A generated territory. Every resource carries its business identifier first ({@code
 * identifier[0]}), which the loader uses for conditional creates.
 *
 * @param directory organisations, locations, services, devices, practitioners, roles and schedules,
 *     in dependency order, each with a {@code urn:uuid:} id that the others reference
 * @param slots the slots; each references its Schedule (and, for CPTS slots, the CPTS
 *     HealthcareService) by a conditional reference on its identifier, so that slots can be loaded
 *     in bundles of their own
 * @param generalPractitioners who the GPs are and which schedules are theirs
 */
public record DemoTerritory(
    List<Resource> directory, List<Slot> slots, List<GeneralPractitioner> generalPractitioners) {

  /**
   * One generated GP.
   *
   * @param idnps national id ({@code 8} + RPPS)
   * @param rpps RPPS number
   * @param scheduleKeys identifier values of the GP's schedules, one per place of practice
   */
  public record GeneralPractitioner(String idnps, String rpps, List<String> scheduleKeys) {}
}
