package fr.cpts.hub.server.security;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Who may call the hub: a YAML file ({@code hub.security.client-certificates.registry}) mapping a
 * certificate's CN and OU to a client id and a {@link ClientRole}. Data, not code: adding a client
 * is an edit of the file, re-read when it changes ({@link #refreshIfChanged()}).
 *
 * <pre>
 * clients:
 *   - id: gp-software-cabinet-0      # unique
 *     role: GP_SOFTWARE              # SAS_PLATFORM | GP_SOFTWARE | RADIOLOGY | CPTS_CONSOLE
 *     cn: "lgc.editeur.fr"           # the certificate's CN, exactly
 *     ou: "356010000000010"          # one of its OUs, exactly: the structure's IDNST
 * </pre>
 *
 * Every value is read as text (an OU {@code 0123} stays {@code 0123}). A GP software's OU must be
 * an IDNST ({@code 0} to {@code 4} then its national number): it names the structure the software
 * acts for. Unknown keys, duplicate ids and duplicate (CN, OU) pairs are errors: a file with an
 * error stops the hub at start-up, and is ignored (the previous registry kept, an error logged)
 * when re-read.
 */
public final class ClientRegistry {

  private static final Set<String> KEYS = Set.of("id", "role", "cn", "ou");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern IDNST = Pattern.compile("[0-4][0-9A-Za-z]{8,20}");

  /** One client of the registry. */
  public record Entry(String id, ClientRole role, String cn, String ou) {}

  private final ReloadableFile<Map<String, Entry>> file;

  private ClientRegistry(ReloadableFile<Map<String, Entry>> file) {
    this.file = file;
  }

  /**
   * Reads the registry file.
   *
   * @throws IllegalStateException ({@code HUB-0520}) if it cannot be read or holds an error
   */
  public static ClientRegistry load(Path file) {
    return new ClientRegistry(
        ReloadableFile.load(file, "HUB-0520", "the client registry", ClientRegistry::byCnAndOu));
  }

  /**
   * The client registered for a certificate's CN and one of its OUs.
   *
   * @return empty when none is, or when several of the certificate's OUs match different clients
   */
  public Optional<Entry> find(String cn, List<String> organizationalUnits) {
    Map<String, Entry> entries = file.value();
    List<Entry> found = new ArrayList<>();
    for (String ou : organizationalUnits) {
      Entry entry = entries.get(key(cn, ou));
      if (entry != null && !found.contains(entry)) {
        found.add(entry);
      }
    }
    return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
  }

  /** The registered clients. */
  public List<Entry> entries() {
    return List.copyOf(file.value().values());
  }

  /**
   * Re-reads the file if its content changed; a file that cannot be read or holds an error leaves
   * the registry as it was.
   *
   * @return whether the registry changed
   */
  public boolean refreshIfChanged() {
    return file.refreshIfChanged();
  }

  private static Map<String, Entry> byCnAndOu(String content) {
    Map<String, Entry> byCnAndOu = new LinkedHashMap<>();
    Map<String, Entry> byId = new HashMap<>();
    for (Entry entry : parse(content)) {
      if (byId.put(entry.id(), entry) != null) {
        throw new IllegalArgumentException("client id " + entry.id() + " is registered twice");
      }
      Entry previous = byCnAndOu.put(key(entry.cn(), entry.ou()), entry);
      if (previous != null) {
        throw new IllegalArgumentException(
            "clients "
                + previous.id()
                + " and "
                + entry.id()
                + " have the same CN and OU ("
                + entry.cn()
                + ", "
                + entry.ou()
                + ")");
      }
    }
    return Map.copyOf(byCnAndOu);
  }

  /** The entries of a registry file's content, checked one by one. */
  static List<Entry> parse(String content) {
    Object document;
    try {
      document = yaml().load(content);
    } catch (YAMLException e) {
      throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
    }
    if (!(document instanceof Map<?, ?> root) || !(root.get("clients") instanceof List<?> list)) {
      throw new IllegalArgumentException("the file must hold a list 'clients:'");
    }
    if (root.size() != 1) {
      throw new IllegalArgumentException("the file holds only 'clients:', not " + root.keySet());
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "client #" + (i + 1);
      if (!(list.get(i) instanceof Map<?, ?> fields)) {
        throw new IllegalArgumentException(where + " must be a map of id, role, cn and ou");
      }
      for (Object key : fields.keySet()) {
        if (!KEYS.contains(key)) {
          throw new IllegalArgumentException(
              where + " has an unknown key '" + key + "' (keys: id, role, cn, ou)");
        }
      }
      String id = text(fields, "id", where);
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException(
            where + ": id '" + id + "' must be letters, digits, '.', '_' or '-'");
      }
      where = "client " + id;
      ClientRole role;
      String roleName = text(fields, "role", where);
      try {
        role = ClientRole.valueOf(roleName);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            where + ": role '" + roleName + "' is not one of " + List.of(ClientRole.values()), e);
      }
      String ou = text(fields, "ou", where);
      if (role == ClientRole.GP_SOFTWARE && !IDNST.matcher(ou).matches()) {
        throw new IllegalArgumentException(
            where + ": a GP software's ou is its structure's IDNST, not '" + ou + "'");
      }
      entries.add(new Entry(id, role, text(fields, "cn", where), ou));
    }
    return entries;
  }

  private static String text(Map<?, ?> fields, String key, String where) {
    Object value = fields.get(key);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException(where + " needs a non-empty '" + key + "'");
    }
    return text;
  }

  private static String key(String cn, String ou) {
    return cn + '\u0000' + ou;
  }

  /** SnakeYAML reading every scalar as a string, and building no Java object but maps and lists. */
  static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    DumperOptions dumper = new DumperOptions();
    return new Yaml(
        new SafeConstructor(options), new Representer(dumper), dumper, options, new TextOnly());
  }

  /** A resolver without implicit types: {@code 0123}, {@code yes} and {@code null} stay text. */
  private static final class TextOnly extends Resolver {
    @Override
    protected void addImplicitResolvers() {}
  }
}
