package fr.cpts.hub.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HubDatabaseTest {

  @Test
  void productNames_areRecognised() {
    assertThat(HubDatabase.fromProductName("H2")).isEqualTo(HubDatabase.H2);
    assertThat(HubDatabase.fromProductName("PostgreSQL")).isEqualTo(HubDatabase.POSTGRES);
  }

  @Test
  void anUnsupportedDatabase_isRefusedWithAClearMessage() {
    assertThatThrownBy(() -> HubDatabase.fromProductName("MySQL"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HUB-0002")
        .hasMessageContaining("MySQL");
  }
}
