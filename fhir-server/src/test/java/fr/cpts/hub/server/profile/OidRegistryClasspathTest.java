package fr.cpts.hub.server.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import org.hl7.fhir.utilities.OIDUtilities;
import org.junit.jupiter.api.Test;

/**
 * On the hub's classpath, the HL7 validator's {@code oidregistry.csv} resolves to the profiles
 * module's empty one, ahead of the 1.5 MB registry of org.hl7.fhir.utilities, which the validator
 * would otherwise parse for every resource (see the profiles module's {@code OidRegistryTest}). The
 * repackaged jar keeps this order: its {@code classpath.idx} lists the profiles jar first.
 */
class OidRegistryClasspathTest {

  @Test
  void oidRegistry_resolvesToTheProfilesModules_notToTheValidatorLibrarys() {
    URL registry = OIDUtilities.class.getClassLoader().getResource("oidregistry.csv");

    assertThat(registry).isNotNull();
    assertThat(registry.toString()).contains("profiles").doesNotContain("org.hl7.fhir.utilities");
    assertThat(new OIDUtilities().isKnownOID("2.16.840.1.113883")).isFalse();
  }
}
