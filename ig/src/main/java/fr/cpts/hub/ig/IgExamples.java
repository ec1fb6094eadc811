package fr.cpts.hub.ig;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.Resource;

/**
 * The guide's examples, as listed in {@code examples.csv} beside them on the classpath: each file
 * with its declared outcome (valid or invalid), what an invalid one must be refused for (a rule key
 * such as {@code hub-loc-2}, an element path or a HUB error code), and a description. The list is
 * in dependency order: an example only references examples listed before it.
 */
public final class IgExamples {

  /** Where the examples and their manifest live on the classpath. */
  public static final String CLASSPATH_DIRECTORY = "/fr/cpts/hub/ig/examples/";

  static final String MANIFEST = "examples.csv";

  /** What validating an example must give. */
  public enum Outcome {
    VALID,
    INVALID
  }

  /**
   * One example of the guide.
   *
   * @param json the example as stored text, read once with the manifest
   */
  public record Example(
      String file, Outcome outcome, String expect, String description, String json) {

    /** The example's resource type and id, from its file name ({@code Type-id.json}). */
    public String resourceType() {
      return file.substring(0, file.indexOf('-'));
    }

    public String id() {
      return file.substring(file.indexOf('-') + 1, file.length() - ".json".length());
    }

    public Resource parse(FhirContext fhirContext) {
      return (Resource) fhirContext.newJsonParser().parseResource(json());
    }
  }

  private IgExamples() {}

  /** Every example, in the manifest's order. */
  public static List<Example> all() {
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get();
    List<Example> examples = new ArrayList<>();
    try (Reader reader = new InputStreamReader(open(MANIFEST), StandardCharsets.UTF_8)) {
      for (CSVRecord record : format.parse(reader)) {
        String file = record.get("file");
        examples.add(
            new Example(
                file,
                Outcome.valueOf(record.get("outcome").toUpperCase(Locale.ROOT)),
                record.get("expect"),
                record.get("description"),
                read(file)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(examples);
  }

  public static List<Example> ofOutcome(Outcome outcome) {
    return all().stream().filter(e -> e.outcome() == outcome).toList();
  }

  static String read(String file) {
    try (InputStream in = open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream open(String file) {
    InputStream in = IgExamples.class.getResourceAsStream(CLASSPATH_DIRECTORY + file);
    if (in == null) {
      throw new IllegalArgumentException("HUB-0310: no example " + file + " in the guide");
    }
    return in;
  }
}
