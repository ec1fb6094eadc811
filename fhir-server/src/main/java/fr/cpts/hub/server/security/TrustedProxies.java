package fr.cpts.hub.server.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The addresses of the reverse proxies allowed to hand the hub a client certificate in a header:
 * IPv4 or IPv6 addresses and CIDR ranges ({@code 10.0.0.7}, {@code 10.0.0.0/24}, {@code fd00::/8}),
 * compared with the TCP peer's address. Host names are refused: a proxy is trusted by the address
 * it connects from, never by what a DNS answers.
 */
public final class TrustedProxies {

  /**
   * Literal addresses only (so that parsing never asks a DNS): four decimal bytes, or hexadecimal
   * digits with colons (and an IPv4 tail).
   */
  private static final Pattern LITERAL =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
              + "|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private record Range(byte[] network, int prefix, String text) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[full] & mask) == (network[full] & mask);
    }
  }

  private final List<Range> ranges;

  private TrustedProxies(List<Range> ranges) {
    this.ranges = List.copyOf(ranges);
  }

  /**
   * @throws IllegalArgumentException ({@code HUB-0524}) for an entry that is not an address or a
   *     range
   */
  public static TrustedProxies of(List<String> entries) {
    List<Range> ranges = new ArrayList<>();
    for (String entry : entries) {
      String text = entry.trim();
      if (text.isEmpty()) {
        continue;
      }
      int slash = text.indexOf('/');
      String address = slash < 0 ? text : text.substring(0, slash);
      byte[] network = parse(address);
      if (network == null) {
        throw new IllegalArgumentException(
            "HUB-0524: trusted proxy '" + entry + "' is not an IP address or a CIDR range");
      }
      int prefix = network.length * 8;
      if (slash >= 0) {
        try {
          prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
          prefix = -1;
        }
        if (prefix < 0 || prefix > network.length * 8) {
          throw new IllegalArgumentException(
              "HUB-0524: trusted proxy '" + entry + "' has an invalid prefix length");
        }
      }
      ranges.add(new Range(network, prefix, text));
    }
    return new TrustedProxies(ranges);
  }

  /** Whether none is configured (no certificate header is ever accepted). */
  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether the TCP peer at {@code peerAddress} (an IP literal) is a trusted proxy. */
  public boolean contains(String peerAddress) {
    byte[] address = peerAddress == null ? null : parse(peerAddress);
    if (address == null) {
      return false;
    }
    for (Range range : ranges) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return ranges.stream().map(Range::text).toList().toString();
  }

  /** The bytes of an IP literal (an IPv4-mapped IPv6 address gives its IPv4 bytes), or null. */
  private static byte[] parse(String literal) {
    String text =
        literal.startsWith("[") && literal.endsWith("]")
            ? literal.substring(1, literal.length() - 1)
            : literal;
    if (!LITERAL.matcher(text).matches()) {
      return null;
    }
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
