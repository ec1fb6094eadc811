package fr.cpts.hub.ig;

import static org.apache.commons.text.StringEscapeUtils.escapeHtml4;

import ca.uhn.fhir.context.FhirContext;
import fr.cpts.hub.ig.IgExamples.Example;
import fr.cpts.hub.ig.IgExamples.Outcome;
import fr.cpts.hub.profiles.HubPackage;
import fr.cpts.hub.profiles.NpmPackageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.HeadingAnchorExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.ElementDefinition.ElementDefinitionConstraintComponent;
import org.hl7.fhir.r4.model.ElementDefinition.TypeRefComponent;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.OperationDefinition;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Renders the implementation guide: the Markdown pages of {@code src/main/pages} (listed in {@code
 * menu.txt}), a page per profile and extension generated from the package, the terminology, the
 * search parameters and the examples, and the guide's FHIR NPM package ({@code package.tgz}: the
 * profiles package plus the valid examples under {@code package/example/}).
 *
 * <p>Pages include examples by reference, never by copy: {@code
 * {{example:Patient-ex-patient-ins.json}}} inserts the example file with its declared outcome;
 * {@code {{profile:hub-slot}}} links a profile. A reference to an unknown example or profile fails
 * the build.
 */
public final class IgSiteRenderer {

  static final String MENU = "menu.txt";
  private static final Pattern MACRO = Pattern.compile("\\{\\{(example|profile):([^}]+)}}");

  private final FhirContext fhirContext;
  private final HubPackage hubPackage;
  private final List<Example> examples;
  private final Map<String, StructureDefinition> definitionsById;
  private final Map<String, String> pagesByCanonical;
  private final Parser parser;
  private final HtmlRenderer renderer;

  public IgSiteRenderer(FhirContext fhirContext) {
    this.fhirContext = fhirContext;
    this.hubPackage = HubPackage.load(fhirContext);
    this.examples = IgExamples.all();
    this.definitionsById = new LinkedHashMap<>();
    hubPackage.structureDefinitions().forEach(sd -> definitionsById.put(sd.getIdPart(), sd));
    this.pagesByCanonical = pagesByCanonical(hubPackage);
    List<Extension> extensions = List.of(TablesExtension.create(), HeadingAnchorExtension.create());
    this.parser = Parser.builder().extensions(extensions).build();
    this.renderer = HtmlRenderer.builder().extensions(extensions).build();
  }

  /** {@code IgSiteRenderer <pages directory> <output directory>}. */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException("usage: IgSiteRenderer <pages dir> <output dir>");
    }
    new IgSiteRenderer(FhirContext.forR4Cached()).render(Path.of(args[0]), Path.of(args[1]));
  }

  /** A page of the menu: its file name and title. */
  record Page(String name, String title) {
    String html() {
      return name.replaceAll("\\.md$", ".html");
    }
  }

  /** Renders the whole site into {@code out}; returns the files written. */
  public List<Path> render(Path pagesDirectory, Path out) throws IOException {
    Files.createDirectories(out.resolve("examples"));
    List<Path> written = new ArrayList<>();
    List<Page> menu = menu(pagesDirectory);
    for (Page page : menu) {
      String markdown = Files.readString(pagesDirectory.resolve(page.name()));
      String body = renderer.render(parser.parse(expandMacros(markdown, page.name())));
      written.add(write(out.resolve(page.html()), layout(menu, page.title(), body)));
    }
    written.add(write(out.resolve("profiles.html"), layout(menu, "Profiles", profilesIndex())));
    for (StructureDefinition sd : hubPackage.structureDefinitions()) {
      written.add(
          write(
              out.resolve("StructureDefinition-" + sd.getIdPart() + ".html"),
              layout(menu, sd.getTitle(), definitionPage(sd))));
    }
    written.add(write(out.resolve("terminology.html"), layout(menu, "Terminology", terminology())));
    written.add(
        write(
            out.resolve("search-parameters.html"),
            layout(menu, "Search parameters", searchParameters())));
    written.add(write(out.resolve("operations.html"), layout(menu, "Operations", operations())));
    written.add(write(out.resolve("examples.html"), layout(menu, "Examples", examplesIndex())));
    for (Example example : examples) {
      written.add(write(out.resolve("examples").resolve(example.file()), example.json()));
    }
    Path tgz = out.resolve("package.tgz");
    Files.write(tgz, guidePackage());
    written.add(tgz);
    return written;
  }

  private List<Page> menu(Path pagesDirectory) throws IOException {
    List<Page> pages = new ArrayList<>();
    for (String line : Files.readAllLines(pagesDirectory.resolve(MENU))) {
      String name = line.strip();
      if (name.isEmpty() || name.startsWith("#")) {
        continue;
      }
      String title =
          Files.readAllLines(pagesDirectory.resolve(name)).stream()
              .filter(l -> l.startsWith("# "))
              .map(l -> l.substring(2).strip())
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("HUB-0311: no # title in " + name));
      pages.add(new Page(name, title));
    }
    return pages;
  }

  /** Replaces the example and profile references of a page by their content and links. */
  String expandMacros(String markdown, String pageName) {
    Matcher matcher = MACRO.matcher(markdown);
    StringBuilder expanded = new StringBuilder();
    while (matcher.find()) {
      String target = matcher.group(2).strip();
      String replacement =
          switch (matcher.group(1)) {
            case "example" -> exampleBlock(example(target, pageName));
            default -> profileLink(definition(target, pageName));
          };
      matcher.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(expanded);
    return expanded.toString();
  }

  private Example example(String file, String pageName) {
    return examples.stream()
        .filter(e -> e.file().equals(file))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "HUB-0312: page " + pageName + " includes unknown example " + file));
  }

  private StructureDefinition definition(String id, String pageName) {
    StructureDefinition sd = definitionsById.get(id);
    if (sd == null) {
      throw new IllegalStateException(
          "HUB-0313: page " + pageName + " links unknown profile " + id);
    }
    return sd;
  }

  private static String exampleBlock(Example example) {
    return "**Example `"
        + example.resourceType()
        + "/"
        + example.id()
        + "`** ("
        + (example.outcome() == Outcome.VALID
            ? "valid"
            : "invalid: refused for `" + example.expect() + "`")
        + "): "
        + example.description()
        + " [raw](examples/"
        + example.file()
        + ")\n\n```json\n"
        + example.json().strip()
        + "\n```\n";
  }

  private static String profileLink(StructureDefinition sd) {
    return "[" + sd.getTitle() + "](StructureDefinition-" + sd.getIdPart() + ".html)";
  }

  private String profilesIndex() {
    StringBuilder html = new StringBuilder("<h1>Profiles and extensions</h1>\n");
    html.append("<p>Canonical base: <code>https://fhir.cpts-hub.fr</code>. Package <code>")
        .append(escapeHtml4(hubPackage.name() + GUIDE_PACKAGE_SUFFIX))
        .append("#")
        .append(escapeHtml4(hubPackage.version()))
        .append("</code>: <a href=\"package.tgz\">package.tgz</a>.</p>\n");
    html.append("<h2>Profiles</h2>\n<table><tr><th>Profile</th><th>Type</th><th>Base</th></tr>\n");
    for (StructureDefinition sd : hubPackage.profiles()) {
      html.append("<tr><td><a href=\"StructureDefinition-")
          .append(sd.getIdPart())
          .append(".html\">")
          .append(escapeHtml4(sd.getTitle()))
          .append("</a></td><td>")
          .append(sd.getType())
          .append("</td><td><code>")
          .append(escapeHtml4(sd.getBaseDefinition()))
          .append("</code></td></tr>\n");
    }
    html.append("</table>\n<h2>Extensions</h2>\n<table><tr><th>Extension</th><th>URL</th>")
        .append("<th>Context</th></tr>\n");
    for (StructureDefinition sd : hubPackage.extensions()) {
      html.append("<tr><td><a href=\"StructureDefinition-")
          .append(sd.getIdPart())
          .append(".html\">")
          .append(escapeHtml4(sd.getTitle()))
          .append("</a></td><td><code>")
          .append(escapeHtml4(sd.getUrl()))
          .append("</code></td><td>")
          .append(
              sd.getContext().stream()
                  .map(c -> escapeHtml4(c.getExpression()))
                  .collect(Collectors.joining(", ")))
          .append("</td></tr>\n");
    }
    return html.append("</table>\n").toString();
  }

  /** A profile or extension: what it is, then every rule of its differential. */
  private String definitionPage(StructureDefinition sd) {
    StringBuilder html = new StringBuilder();
    html.append("<h1>").append(escapeHtml4(sd.getTitle())).append("</h1>\n");
    html.append("<p>").append(escapeHtml4(sd.getDescription())).append("</p>\n");
    html.append("<p>URL: <code>")
        .append(escapeHtml4(sd.getUrl()))
        .append("</code><br>Version: ")
        .append(escapeHtml4(sd.getVersion()))
        .append("<br>Based on: <code>")
        .append(escapeHtml4(sd.getBaseDefinition()))
        .append("</code><br>Publisher: ")
        .append(escapeHtml4(sd.getPublisher()))
        .append("</p>\n<h2>Rules</h2>\n<table><tr><th>Element</th><th>Card.</th>")
        .append("<th>Type / profile</th><th>Value or binding</th><th>Rules</th></tr>\n");
    for (ElementDefinition element : sd.getDifferential().getElement()) {
      html.append("<tr><td><code>")
          .append(escapeHtml4(element.getId()))
          .append("</code>")
          .append(element.hasShort() ? "<br>" + escapeHtml4(element.getShort()) : "")
          .append("</td><td>")
          .append(element.hasMin() || element.hasMax() ? cardinality(element) : "")
          .append("</td><td>")
          .append(types(element))
          .append("</td><td>")
          .append(valueOrBinding(element))
          .append("</td><td>")
          .append(constraints(element))
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
    List<Example> ofProfile =
        examples.stream().filter(e -> e.json().contains("\"" + sd.getUrl() + "\"")).toList();
    if (!ofProfile.isEmpty()) {
      html.append("<h2>Examples</h2>\n<ul>\n");
      for (Example example : ofProfile) {
        html.append("<li><a href=\"examples/")
            .append(example.file())
            .append("\">")
            .append(example.resourceType())
            .append("/")
            .append(example.id())
            .append("</a> (")
            .append(example.outcome().name().toLowerCase(java.util.Locale.ROOT))
            .append("): ")
            .append(escapeHtml4(example.description()))
            .append("</li>\n");
      }
      html.append("</ul>\n");
    }
    return html.toString();
  }

  private static String cardinality(ElementDefinition element) {
    return (element.hasMin() ? String.valueOf(element.getMin()) : "")
        + ".."
        + (element.hasMax() ? element.getMax() : "");
  }

  private String types(ElementDefinition element) {
    List<String> out = new ArrayList<>();
    for (TypeRefComponent type : element.getType()) {
      StringBuilder t = new StringBuilder(type.getCode());
      for (CanonicalType profile : type.getProfile()) {
        t.append(" ").append(canonicalLink(profile.getValue()));
      }
      for (CanonicalType target : type.getTargetProfile()) {
        t.append(" → ").append(escapeHtml4(target.getValue()));
      }
      out.add(t.toString());
    }
    return String.join("<br>", out);
  }

  private String valueOrBinding(ElementDefinition element) {
    List<String> out = new ArrayList<>();
    if (element.hasFixed()) {
      out.add("fixed " + valueText(element.getFixed()));
    }
    if (element.hasPattern()) {
      out.add("pattern " + valueText(element.getPattern()));
    }
    if (element.hasBinding() && element.getBinding().hasValueSet()) {
      out.add(
          element.getBinding().getStrength().toCode()
              + " "
              + canonicalLink(element.getBinding().getValueSet()));
    }
    if (element.hasSlicing()) {
      out.add(
          "sliced by "
              + element.getSlicing().getDiscriminator().stream()
                  .map(d -> d.getType().toCode() + ":" + d.getPath())
                  .collect(Collectors.joining(", ")));
    }
    return String.join("<br>", out);
  }

  private String valueText(Type value) {
    if (value.isPrimitive()) {
      return "<code>" + escapeHtml4(value.primitiveValue()) + "</code>";
    }
    String json = fhirContext.newJsonParser().encodeToString(value);
    return "<code>" + escapeHtml4(json) + "</code>";
  }

  private static String constraints(ElementDefinition element) {
    StringBuilder out = new StringBuilder();
    for (ElementDefinitionConstraintComponent constraint : element.getConstraint()) {
      out.append("<b>")
          .append(escapeHtml4(constraint.getKey()))
          .append("</b>: ")
          .append(escapeHtml4(constraint.getHuman()))
          .append("<br><code>")
          .append(escapeHtml4(constraint.getExpression()))
          .append("</code><br>");
    }
    return out.toString();
  }

  /** A link to a definition of the package, or the canonical as text. */
  private String canonicalLink(String canonical) {
    String page = pagesByCanonical.get(canonical);
    return page == null
        ? "<code>" + escapeHtml4(canonical) + "</code>"
        : "<a href=\"" + page + "\">" + escapeHtml4(canonical) + "</a>";
  }

  /** Where the guide shows each definition of the package: its page, or its terminology entry. */
  private static Map<String, String> pagesByCanonical(HubPackage hubPackage) {
    Map<String, String> pages = new LinkedHashMap<>();
    for (Resource resource : hubPackage.resources()) {
      String anchor = resource.fhirType() + "-" + resource.getIdPart();
      pages.put(
          ((MetadataResource) resource).getUrl(),
          switch (resource.fhirType()) {
            case "StructureDefinition" -> anchor + ".html";
            case "SearchParameter" -> "search-parameters.html#" + anchor;
            case "OperationDefinition" -> "operations.html#" + anchor;
            default -> "terminology.html#" + anchor;
          });
    }
    return Map.copyOf(pages);
  }

  private String terminology() {
    StringBuilder html = new StringBuilder("<h1>Terminology</h1>\n");
    html.append("<p>National code systems are ANS NOS terminologies (TRE): the package holds only")
        .append(" the codes the hub uses (content <code>fragment</code>), under their official")
        .append(" URLs.</p>\n<h2>Code systems</h2>\n");
    for (CodeSystem cs : hubPackage.codeSystems()) {
      html.append("<h3 id=\"CodeSystem-")
          .append(cs.getIdPart())
          .append("\">")
          .append(escapeHtml4(cs.getTitle()))
          .append("</h3>\n<p><code>")
          .append(escapeHtml4(cs.getUrl()))
          .append("</code> (")
          .append(cs.getContent().toCode())
          .append(")</p>\n<table><tr><th>Code</th><th>Display</th></tr>\n");
      for (CodeSystem.ConceptDefinitionComponent concept : cs.getConcept()) {
        html.append("<tr><td><code>")
            .append(escapeHtml4(concept.getCode()))
            .append("</code></td><td>")
            .append(escapeHtml4(concept.getDisplay()))
            .append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
    html.append("<h2>Value sets</h2>\n");
    for (ValueSet vs : hubPackage.valueSets()) {
      html.append("<h3 id=\"ValueSet-")
          .append(vs.getIdPart())
          .append("\">")
          .append(escapeHtml4(vs.getTitle()))
          .append("</h3>\n<p><code>")
          .append(escapeHtml4(vs.getUrl()))
          .append("</code>: ")
          .append(escapeHtml4(vs.getDescription()))
          .append("</p>\n<ul>\n");
      for (ValueSet.ConceptSetComponent include : vs.getCompose().getInclude()) {
        html.append("<li>")
            .append(canonicalLink(include.getSystem()))
            .append(
                include.hasConcept()
                    ? ": "
                        + include.getConcept().stream()
                            .map(c -> "<code>" + escapeHtml4(c.getCode()) + "</code>")
                            .collect(Collectors.joining(", "))
                    : " (all codes)")
            .append("</li>\n");
      }
      html.append("</ul>\n");
    }
    return html.toString();
  }

  private String searchParameters() {
    StringBuilder html = new StringBuilder("<h1>Search parameters</h1>\n");
    html.append("<p>The hub adds these to the FHIR R4 search parameters; its CapabilityStatement")
        .append(" lists them.</p>\n<table><tr><th>Code</th><th>On</th><th>Type</th>")
        .append("<th>Expression</th><th>Description</th></tr>\n");
    List<SearchParameter> retired = new ArrayList<>();
    for (SearchParameter sp : hubPackage.searchParameters()) {
      if (sp.getStatus() == Enumerations.PublicationStatus.RETIRED) {
        retired.add(sp);
        continue;
      }
      html.append("<tr id=\"SearchParameter-")
          .append(sp.getIdPart())
          .append("\"><td><code>")
          .append(escapeHtml4(sp.getCode()))
          .append("</code></td><td>")
          .append(sp.getBase().stream().map(b -> b.getCode()).collect(Collectors.joining(", ")))
          .append("</td><td>")
          .append(sp.getType().toCode())
          .append("</td><td><code>")
          .append(escapeHtml4(sp.getExpression()))
          .append("</code></td><td>")
          .append(escapeHtml4(sp.getDescription()))
          .append("</td></tr>\n");
    }
    html.append("</table>\n<h2>Not indexed</h2>\n<p>The hub retires these FHIR R4 search")
        .append(" parameters: it does not index them, and a search by one of them is refused")
        .append(" (400, unknown parameter).</p>\n<ul>\n");
    for (SearchParameter sp : retired) {
      html.append("<li id=\"SearchParameter-")
          .append(sp.getIdPart())
          .append("\"><code>")
          .append(sp.getBase().stream().map(b -> b.getCode()).collect(Collectors.joining(", ")))
          .append("?")
          .append(escapeHtml4(sp.getCode()))
          .append("</code> (<code>")
          .append(escapeHtml4(sp.getExpression()))
          .append("</code>)</li>\n");
    }
    return html.append("</ul>\n").toString();
  }

  private String operations() {
    StringBuilder html = new StringBuilder("<h1>Operations</h1>\n");
    html.append("<p>The hub's own operations, beside those of FHIR R4; its CapabilityStatement")
        .append(" lists them.</p>\n");
    for (OperationDefinition op : hubPackage.operationDefinitions()) {
      html.append("<h2 id=\"OperationDefinition-")
          .append(op.getIdPart())
          .append("\">")
          .append(escapeHtml4(op.getTitle()))
          .append("</h2>\n<p><code>")
          .append(escapeHtml4(op.getUrl()))
          .append("</code></p>\n");
      for (CodeType resource : op.getResource()) {
        if (op.getInstance()) {
          html.append("<p><code>POST [base]/")
              .append(resource.getCode())
              .append("/{id}/$")
              .append(escapeHtml4(op.getCode()))
              .append("</code></p>\n");
        }
        if (op.getType()) {
          html.append("<p><code>POST [base]/")
              .append(resource.getCode())
              .append("/$")
              .append(escapeHtml4(op.getCode()))
              .append("</code></p>\n");
        }
      }
      if (op.getSystem()) {
        html.append("<p><code>POST [base]/$")
            .append(escapeHtml4(op.getCode()))
            .append("</code></p>\n");
      }
      html.append("<p>")
          .append(escapeHtml4(op.getDescription()))
          .append("</p>\n<table><tr><th>Parameter</th><th>Use</th><th>Card.</th><th>Type</th>")
          .append("<th>Documentation</th></tr>\n");
      for (OperationDefinition.OperationDefinitionParameterComponent parameter :
          op.getParameter()) {
        html.append("<tr><td><code>")
            .append(escapeHtml4(parameter.getName()))
            .append("</code></td><td>")
            .append(parameter.getUse().toCode())
            .append("</td><td>")
            .append(parameter.getMin())
            .append("..")
            .append(escapeHtml4(parameter.getMax()))
            .append("</td><td>")
            .append(escapeHtml4(parameter.getType()))
            .append("</td><td>")
            .append(escapeHtml4(parameter.getDocumentation()))
            .append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
    return html.toString();
  }

  private String examplesIndex() {
    StringBuilder html = new StringBuilder("<h1>Examples</h1>\n");
    html.append("<p>Every example is validated by the build against the profiles with exactly its")
        .append(" declared outcome; the hub accepts the valid ones and refuses the invalid ones")
        .append(" with 422.</p>\n<table><tr><th>Example</th><th>Outcome</th><th>Refused for</th>")
        .append("<th>Description</th></tr>\n");
    for (Example example : examples) {
      html.append("<tr><td><a href=\"examples/")
          .append(example.file())
          .append("\">")
          .append(example.resourceType())
          .append("/")
          .append(example.id())
          .append("</a></td><td>")
          .append(example.outcome().name().toLowerCase(java.util.Locale.ROOT))
          .append("</td><td><code>")
          .append(escapeHtml4(example.expect()))
          .append("</code></td><td>")
          .append(escapeHtml4(example.description()))
          .append("</td></tr>\n");
    }
    return html.append("</table>\n").toString();
  }

  private static String layout(List<Page> menu, String title, String body) {
    StringBuilder nav = new StringBuilder();
    for (Page page : menu) {
      nav.append("<a href=\"").append(page.html()).append("\">");
      nav.append(escapeHtml4(page.title())).append("</a>\n");
    }
    nav.append("<a href=\"profiles.html\">Profiles</a>\n")
        .append("<a href=\"terminology.html\">Terminology</a>\n")
        .append("<a href=\"search-parameters.html\">Search parameters</a>\n")
        .append("<a href=\"operations.html\">Operations</a>\n")
        .append("<a href=\"examples.html\">Examples</a>\n");
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>"
        + escapeHtml4(title)
        + " · cpts-hub guide</title><style>"
        + "body{font-family:system-ui,sans-serif;margin:0;color:#1d2733}"
        + "nav{background:#00335f;padding:.6em 1em}nav a{color:#fff;margin-right:1.2em;"
        + "text-decoration:none;font-size:.95em}main{max-width:72em;margin:1.5em auto;"
        + "padding:0 1em}table{border-collapse:collapse;margin:1em 0;width:100%}td,th{border:1px solid "
        + "#c8d0d8;padding:.3em .5em;vertical-align:top;text-align:left;font-size:.9em}"
        + "td{overflow-wrap:anywhere}td:last-child,th:last-child{min-width:14em}"
        + "pre{background:#f4f6f8;padding:.8em;overflow:auto;font-size:.85em}"
        + "code{font-size:.9em}</style></head><body><nav>"
        + nav
        + "</nav><main>\n"
        + body
        + "</main></body></html>\n";
  }

  /** The guide's own package name: the profiles package's, with {@code .ig}. */
  static final String GUIDE_PACKAGE_SUFFIX = ".ig";

  /**
   * The guide's NPM package ({@code fr.cpts.hub.ig}): the profiles package's files plus the valid
   * examples, under a name of its own, so that no package cache takes one for the other.
   */
  byte[] guidePackage() {
    Map<String, byte[]> files = new LinkedHashMap<>(NpmPackageFiles.fromTgz(hubPackage.tgz()));
    String manifest = new String(files.get("package.json"), StandardCharsets.UTF_8);
    String named = "\"name\": \"" + hubPackage.name() + "\"";
    if (!manifest.contains(named)) {
      throw new IllegalStateException("HUB-0314: package.json does not hold " + named);
    }
    files.put(
        "package.json",
        manifest
            .replace(named, "\"name\": \"" + hubPackage.name() + GUIDE_PACKAGE_SUFFIX + "\"")
            .getBytes(StandardCharsets.UTF_8));
    for (Example example : examples) {
      if (example.outcome() == Outcome.VALID) {
        files.put("example/" + example.file(), example.json().getBytes(StandardCharsets.UTF_8));
      }
    }
    return NpmPackageFiles.toTgz(files);
  }

  private static Path write(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }
}
