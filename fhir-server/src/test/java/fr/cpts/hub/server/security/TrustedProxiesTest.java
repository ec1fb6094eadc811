package fr.cpts.hub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrustedProxiesTest {

  @Test
  void contains_addressesAndRanges_ipv4AndIpv6() {
    TrustedProxies proxies =
        TrustedProxies.of(List.of("10.0.0.7", "192.168.4.0/22", "fd00::/8", " ", "::1"));

    assertThat(proxies.contains("10.0.0.7")).isTrue();
    assertThat(proxies.contains("10.0.0.8")).isFalse();
    assertThat(proxies.contains("192.168.4.1")).isTrue();
    assertThat(proxies.contains("192.168.7.255")).isTrue();
    assertThat(proxies.contains("192.168.8.0")).isFalse();
    assertThat(proxies.contains("fd12:3456::1")).isTrue();
    assertThat(proxies.contains("fe80::1")).isFalse();
    assertThat(proxies.contains("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(proxies.contains("::ffff:10.0.0.7")).as("IPv4-mapped").isTrue();
    assertThat(proxies.contains("[::1]")).isTrue();
    assertThat(proxies.contains(null)).isFalse();
    assertThat(proxies.contains("localhost")).as("never resolved").isFalse();
  }

  @Test
  void none_trustsNoOne() {
    TrustedProxies none = TrustedProxies.of(List.of());
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.contains("127.0.0.1")).isFalse();
    assertThat(TrustedProxies.of(List.of("0.0.0.0/0")).contains("203.0.113.9")).isTrue();
  }

  @Test
  void of_refusesHostNamesAndBadRanges0524() {
    for (String bad :
        List.of(
            "proxy.internal", "10.0.0.0/33", "10.0.0/8", "256.1.1.1", "::1/129", "10.0.0.1/x")) {
      assertThatThrownBy(() -> TrustedProxies.of(List.of(bad)))
          .as(bad)
          .hasMessageStartingWith("HUB-0524");
    }
  }
}
