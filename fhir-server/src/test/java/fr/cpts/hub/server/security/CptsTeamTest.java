package fr.cpts.hub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CptsTeamTest {

  @TempDir Path directory;

  @Test
  void parse_readsEachIdnpsAsText() {
    assertThat(CptsTeam.parse("members:\n  - \"810000000001\"\n  - 810000000002\n"))
        .containsExactlyInAnyOrder("810000000001", "810000000002");
    assertThat(CptsTeam.parse("members: []\n")).isEmpty();
  }

  @Test
  void parse_refusesOtherShapesDuplicatesAndNonIdnps() {
    assertThatThrownBy(() -> CptsTeam.parse("team: []")).hasMessageContaining("'members:'");
    assertThatThrownBy(() -> CptsTeam.parse("members: []\nother: 1"))
        .hasMessageContaining("'members:'");
    assertThatThrownBy(() -> CptsTeam.parse("members: [810000000001, 810000000001]"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> CptsTeam.parse("members: [jean.dupont]"))
        .hasMessageContaining("member #1 must be an IDNPS");
    assertThatThrownBy(() -> CptsTeam.parse("members: [[810000000001]]"))
        .hasMessageContaining("member #1");
  }

  @Test
  void refreshIfChanged_picksUpAnEdit_andKeepsTheTeamWhenTheEditHasAnError() throws Exception {
    Path file = directory.resolve("cpts-team.yaml");
    Files.writeString(file, "members: [810000000001]\n");
    CptsTeam team = CptsTeam.load(file);
    assertThat(team.contains("810000000001")).isTrue();
    assertThat(team.refreshIfChanged()).isFalse();

    Files.writeString(file, "members: [810000000002]\n");
    assertThat(team.refreshIfChanged()).isTrue();
    assertThat(team.contains("810000000001")).isFalse();
    assertThat(team.contains("810000000002")).isTrue();

    Files.writeString(file, "members: [not an idnps]\n");
    assertThat(team.refreshIfChanged()).isFalse();
    assertThat(team.contains("810000000002")).isTrue();
  }

  @Test
  void load_ofAFileWithAnError_stopsTheStart0549() throws Exception {
    Path file = directory.resolve("cpts-team.yaml");
    Files.writeString(file, "members: 810000000001\n");
    assertThatThrownBy(() -> CptsTeam.load(file)).hasMessageStartingWith("HUB-0549");
    assertThatThrownBy(() -> CptsTeam.load(directory.resolve("absent.yaml")))
        .hasMessageStartingWith("HUB-0549");
  }

  @Test
  void none_hasNoMember() {
    assertThat(CptsTeam.none().contains("810000000001")).isFalse();
    assertThat(CptsTeam.none().refreshIfChanged()).isFalse();
  }
}
