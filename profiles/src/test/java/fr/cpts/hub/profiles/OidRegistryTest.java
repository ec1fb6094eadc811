package fr.cpts.hub.profiles;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.utilities.OIDUtilities;
import org.junit.jupiter.api.Test;

/**
 * The HL7 validator (org.hl7.fhir.validation 6.7) builds a new {@code OIDUtilities} for every
 * resource it validates, and each one parses the 1.5 MB {@code oidregistry.csv} of
 * org.hl7.fhir.utilities: about 10 ms, three quarters of the cost of validating a Slot. The
 * registry only serves {@code isKnownOID}, which the validator uses to tell whether a {@code
 * urn:oid:} URL "resolves" (a warning at most; the French OIDs are not in it anyway). The profiles
 * jar therefore ships an empty {@code oidregistry.csv} that comes first on the classpath. This test
 * fails if the library's registry is the one loaded again, e.g. after a change of dependency order.
 */
class OidRegistryTest {

  @Test
  void oidRegistry_isTheHubsEmptyOne_soThatEachValidationSkipsParsing1point5MB() {
    assertThat(new OIDUtilities().isKnownOID("2.16.840.1.113883"))
        .as("HL7's root OID is in the library's registry, not in the hub's empty one")
        .isFalse();
  }
}
