package fr.cpts.hub.mappers.rpps;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RppsTerritoryTest {

  @Test
  void departmentOf_isThreeCharactersOverseas_twoElsewhere_corsicaIncluded() {
    assertThat(RppsTerritory.departmentOf("97411")).isEqualTo("974");
    assertThat(RppsTerritory.departmentOf("56260")).isEqualTo("56");
    assertThat(RppsTerritory.departmentOf("2A004")).isEqualTo("2A");
    assertThat(RppsTerritory.departmentOf("562")).isNull();
    assertThat(RppsTerritory.departmentOf(null)).isNull();
  }

  @Test
  void contains_byCommuneOrByDepartment_theDepartmentColumnWinningOverTheCommune() {
    RppsTerritory territory = new RppsTerritory(Set.of("35238"), Set.of("56", "974"));
    assertThat(territory.contains("35238", "35")).isTrue();
    assertThat(territory.contains("35047", "35")).isFalse();
    assertThat(territory.contains("56243", null)).isTrue();
    assertThat(territory.contains("97411", null)).isTrue();
    assertThat(territory.contains("97101", null)).isFalse();
    assertThat(territory.contains("56243", "29")).isFalse();
    assertThat(territory.contains(null, null)).isFalse();
  }

  @Test
  void everywhere_containsEvenAnActivityWithoutAddress() {
    assertThat(RppsTerritory.everywhere().contains(null, null)).isTrue();
    assertThat(RppsTerritory.communes(" ", "").isEverywhere()).isTrue();
    assertThat(RppsTerritory.departments("2a").contains("2A004", null)).isTrue();
  }
}
