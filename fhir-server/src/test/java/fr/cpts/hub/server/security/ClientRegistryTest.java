package fr.cpts.hub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.cpts.hub.devpki.DevPkiFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client registry file: what it accepts, what it refuses, how it is re-read. */
class ClientRegistryTest {

  @TempDir Path directory;

  @Test
  void load_theDevPkiRegistry_mapsEachRolesSubject() throws Exception {
    ClientRegistry registry = registry(DevPkiFiles.registryYaml(DevPkiFiles.CLIENTS));

    assertThat(registry.entries()).hasSize(4);
    for (DevPkiFiles.DevClient client : DevPkiFiles.CLIENTS) {
      assertThat(registry.find(client.cn(), List.of(client.ou())))
          .contains(
              new ClientRegistry.Entry(
                  client.id(), ClientRole.valueOf(client.role()), client.cn(), client.ou()));
    }
  }

  @Test
  void find_wrongCnOrWrongOu_findsNoOne() throws Exception {
    DevPkiFiles.DevClient sas = DevPkiFiles.SAS_PLATFORM;
    ClientRegistry registry = registry(DevPkiFiles.registryYaml(DevPkiFiles.CLIENTS));

    assertThat(registry.find(sas.cn() + ".evil", List.of(sas.ou()))).isEmpty();
    assertThat(registry.find(sas.cn(), List.of("1990000002"))).isEmpty();
    assertThat(registry.find(sas.cn().toUpperCase(), List.of(sas.ou()))).as("exact").isEmpty();
    // Any of the certificate's OUs may be the registered one...
    assertThat(registry.find(sas.cn(), List.of("Service X", sas.ou()))).isPresent();
    // ...but a certificate whose OUs match two clients is ambiguous.
    ClientRegistry two =
        registry(
            "clients:\n"
                + "  - {id: a, role: RADIOLOGY, cn: ris, ou: \"356020000000012\"}\n"
                + "  - {id: b, role: RADIOLOGY, cn: ris, ou: \"356020000000013\"}\n");
    assertThat(two.find("ris", List.of("356020000000012", "356020000000013"))).isEmpty();
  }

  @Test
  void parse_readsEveryValueAsText() {
    assertThat(
            ClientRegistry.parse(
                "clients:\n  - id: console\n    role: CPTS_CONSOLE\n    cn: 123\n    ou: 0123\n"))
        .containsExactly(
            new ClientRegistry.Entry("console", ClientRole.CPTS_CONSOLE, "123", "0123"));
  }

  @Test
  void parse_refusesMistakes() {
    assertParseError("clients: []\nextra: 1\n", "holds only 'clients:'");
    assertParseError("client:\n  - id: a\n", "list 'clients:'");
    assertParseError(
        "clients:\n  - {id: a, role: ADMIN, cn: x, ou: \"1\"}\n", "role 'ADMIN' is not one of");
    assertParseError(
        "clients:\n  - {id: a, role: RADIOLOGY, cn: x, ou: \"1\", o: y}\n", "unknown key 'o'");
    assertParseError(
        "clients:\n  - {id: a, role: RADIOLOGY, ou: \"1\"}\n", "needs a non-empty 'cn'");
    assertParseError("clients:\n  - {id: 'a b', role: RADIOLOGY, cn: x, ou: \"1\"}\n", "id 'a b'");
    assertParseError(
        "clients:\n  - {id: a, role: GP_SOFTWARE, cn: x, ou: Cabinet}\n",
        "a GP software's ou is its structure's IDNST");
    assertParseError("clients:\n  - {id: a, id: b}\n", "not valid YAML");
  }

  @Test
  void load_refusesDuplicates0520() throws Exception {
    Path file = directory.resolve("clients.yaml");
    Files.writeString(
        file,
        "clients:\n"
            + "  - {id: a, role: RADIOLOGY, cn: ris, ou: \"356020000000012\"}\n"
            + "  - {id: b, role: RADIOLOGY, cn: ris, ou: \"356020000000012\"}\n");
    assertThatThrownBy(() -> ClientRegistry.load(file))
        .hasMessageStartingWith("HUB-0520")
        .hasMessageContaining("same CN and OU");
    Files.writeString(
        file,
        "clients:\n"
            + "  - {id: a, role: RADIOLOGY, cn: ris, ou: \"356020000000012\"}\n"
            + "  - {id: a, role: RADIOLOGY, cn: ris2, ou: \"356020000000012\"}\n");
    assertThatThrownBy(() -> ClientRegistry.load(file)).hasMessageContaining("registered twice");
    assertThatThrownBy(() -> ClientRegistry.load(directory.resolve("missing.yaml")))
        .hasMessageStartingWith("HUB-0520");
  }

  @Test
  void refreshIfChanged_takesAnEditedFile_andKeepsThePreviousOneOnError() throws Exception {
    Path file = directory.resolve("clients.yaml");
    Files.writeString(file, DevPkiFiles.registryYaml(List.of(DevPkiFiles.SAS_PLATFORM)));
    ClientRegistry registry = ClientRegistry.load(file);
    DevPkiFiles.DevClient radiology = DevPkiFiles.RADIOLOGY;
    assertThat(registry.find(radiology.cn(), List.of(radiology.ou()))).isEmpty();
    assertThat(registry.refreshIfChanged()).isFalse();

    Files.writeString(file, DevPkiFiles.registryYaml(List.of(DevPkiFiles.SAS_PLATFORM, radiology)));
    assertThat(registry.refreshIfChanged()).isTrue();
    assertThat(registry.find(radiology.cn(), List.of(radiology.ou()))).isPresent();

    Files.writeString(file, "clients:\n  - {id: a, role: NOBODY}\n");
    assertThat(registry.refreshIfChanged()).isFalse();
    assertThat(registry.entries()).hasSize(2);

    Files.delete(file);
    assertThat(registry.refreshIfChanged()).isFalse();
    assertThat(registry.entries()).hasSize(2);
  }

  private ClientRegistry registry(String yaml) throws Exception {
    Path file = Files.createTempFile(directory, "clients", ".yaml");
    Files.writeString(file, yaml);
    return ClientRegistry.load(file);
  }

  private static void assertParseError(String yaml, String message) {
    assertThatThrownBy(() -> ClientRegistry.parse(yaml))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
