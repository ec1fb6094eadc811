package fr.cpts.hub.profiles;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * Builds the hub's FHIR NPM package at build time: the conformance resources as written (package
 * .json first), each StructureDefinition completed with its snapshot, generated here offline, as
 * published packages carry them. The hub then starts without generating any.
 *
 * <p>{@code HubPackageBuilder <source directory> <package.tgz to write>}.
 */
public final class HubPackageBuilder {

  private HubPackageBuilder() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: HubPackageBuilder <source dir> <package.tgz>");
    }
    byte[] tgz = build(FhirContext.forR4Cached(), Path.of(args[0]));
    Path target = Path.of(args[1]);
    Files.createDirectories(target.getParent());
    Files.write(target, tgz);
  }

  /** The package of the resources of {@code source}, with their snapshots. */
  public static byte[] build(FhirContext fhirContext, Path source) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("package.json", Files.readAllBytes(source.resolve("package.json")));
    try (Stream<Path> list = Files.list(source)) {
      for (Path file :
          list.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(p -> !p.getFileName().toString().equals("package.json"))
              .sorted()
              .toList()) {
        files.put(file.getFileName().toString(), Files.readAllBytes(file));
      }
    }
    HubPackage differentials = HubPackage.fromTgz(fhirContext, NpmPackageFiles.toTgz(files));
    List<StructureDefinition> withSnapshots =
        HubProfileValidator.generateSnapshots(fhirContext, differentials);
    for (StructureDefinition sd : withSnapshots) {
      String json = fhirContext.newJsonParser().setPrettyPrint(true).encodeResourceToString(sd);
      files.put(
          "StructureDefinition-" + sd.getIdPart() + ".json", json.getBytes(StandardCharsets.UTF_8));
    }
    return NpmPackageFiles.toTgz(files);
  }
}
