package fr.cpts.hub.server.security;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The CPTS coordination team: the IDNPS of the professionals who, signed in with a token, act as
 * {@link ClientRole#CPTS_CONSOLE} rather than {@link ClientRole#PROFESSIONAL}. A YAML file ({@code
 * hub.security.oidc.cpts-team}), data not code, re-read when it changes ({@link
 * #refreshIfChanged()}) like the {@link ClientRegistry client registry}:
 *
 * <pre>
 * members:
 *   - "810000000001"   # each an IDNPS, as text
 * </pre>
 *
 * A file with an error stops the hub at start-up ({@code HUB-0549}) and is ignored (the previous
 * team kept, an error logged) when re-read. Without a file, the team has no member.
 */
public final class CptsTeam {

  private static final Pattern IDNPS = Pattern.compile("[0-9][0-9A-Za-z/]{7,63}");

  private final ReloadableFile<Set<String>> file;

  private CptsTeam(ReloadableFile<Set<String>> file) {
    this.file = file;
  }

  /** A team without members and without a file. */
  public static CptsTeam none() {
    return new CptsTeam(ReloadableFile.fixed(Set.of()));
  }

  /**
   * Reads the team file.
   *
   * @throws IllegalStateException ({@code HUB-0549}) if it cannot be read or holds an error
   */
  public static CptsTeam load(Path file) {
    return new CptsTeam(
        ReloadableFile.load(file, "HUB-0549", "the CPTS team file", CptsTeam::parse));
  }

  /** Whether the professional of this IDNPS is a member. */
  public boolean contains(String idnps) {
    return file.value().contains(idnps);
  }

  /** The members' IDNPS. */
  public Set<String> members() {
    return file.value();
  }

  /**
   * Re-reads the file if its content changed; a file that cannot be read or holds an error leaves
   * the team as it was.
   *
   * @return whether the team changed
   */
  public boolean refreshIfChanged() {
    return file.refreshIfChanged();
  }

  /** The members of a team file's content. */
  static Set<String> parse(String content) {
    Object document;
    try {
      document = ClientRegistry.yaml().load(content);
    } catch (YAMLException e) {
      throw new IllegalArgumentException("not valid YAML: " + e.getMessage(), e);
    }
    if (!(document instanceof Map<?, ?> root)
        || root.size() != 1
        || !(root.get("members") instanceof List<?> list)) {
      throw new IllegalArgumentException("the file must hold one list 'members:'");
    }
    Set<String> members = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String idnps) || !IDNPS.matcher(idnps.trim()).matches()) {
        throw new IllegalArgumentException(
            "member #" + (i + 1) + " must be an IDNPS (8 followed by the RPPS number)");
      }
      if (!members.add(idnps.trim())) {
        throw new IllegalArgumentException("member #" + (i + 1) + " is listed twice");
      }
    }
    return Set.copyOf(members);
  }
}
