package dev.crawlocr.fetcher.http;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The SSRF guard's address policy. An address is blocked when it is in a special-purpose range (loopback,
 * private, link-local, CGNAT, cloud metadata, multicast, documentation, reserved; IPv4 and IPv6 alike, including
 * IPv4 embedded in IPv6 as mapped, NAT64 or 6to4 addresses) and not in one of the explicitly allowed networks.
 * Thread-safe and immutable.
 */
public final class NetworkGuard {

    private record Range(Cidr cidr, String name) {
    }

    private static final List<Range> BLOCKED = List.of(
            range("0.0.0.0/8", "unspecified"),
            range("10.0.0.0/8", "private"),
            range("100.64.0.0/10", "carrier-grade NAT"),
            range("127.0.0.0/8", "loopback"),
            range("169.254.169.254/32", "cloud metadata"),
            range("169.254.0.0/16", "link-local"),
            range("172.16.0.0/12", "private"),
            range("192.0.0.0/24", "IETF protocol assignments"),
            range("192.0.2.0/24", "documentation"),
            range("192.88.99.0/24", "6to4 relay anycast"),
            range("192.168.0.0/16", "private"),
            range("198.18.0.0/15", "benchmarking"),
            range("198.51.100.0/24", "documentation"),
            range("203.0.113.0/24", "documentation"),
            range("224.0.0.0/4", "multicast"),
            range("240.0.0.0/4", "reserved"),
            range("::/128", "unspecified"),
            range("::1/128", "loopback"),
            range("100::/64", "discard"),
            range("2001:db8::/32", "documentation"),
            range("fd00:ec2::254/128", "cloud metadata"),
            range("fc00::/7", "unique local (private)"),
            range("fe80::/10", "link-local"),
            range("fec0::/10", "site-local"),
            range("ff00::/8", "multicast"));

    private static final Cidr V4_MAPPED = Cidr.parse("::ffff:0:0/96");
    private static final Cidr V4_COMPAT = Cidr.parse("::/96");
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allowed;

    /** @param allowed networks let through although blocked (e.g. 127.0.0.0/8 for local tests); empty for none */
    public NetworkGuard(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /** Why the address must not be connected to, or empty when it may be. */
    public Optional<String> blockReason(InetAddress address) {
        byte[] a = address.getAddress();
        if (allowed.stream().anyMatch(c -> c.contains(a))) {
            return Optional.empty();
        }
        Optional<String> direct = classify(a);
        if (direct.isPresent()) {
            return direct.map(r -> address.getHostAddress() + " is a " + r + " address");
        }
        byte[] embedded = embeddedV4(a);
        if (embedded != null) {
            if (allowed.stream().anyMatch(c -> c.contains(embedded))) {
                return Optional.empty();
            }
            return classify(embedded).map(r -> address.getHostAddress() + " embeds a " + r + " IPv4 address");
        }
        return Optional.empty();
    }

    public boolean isBlocked(InetAddress address) {
        return blockReason(address).isPresent();
    }

    private static Optional<String> classify(byte[] a) {
        return BLOCKED.stream().filter(r -> r.cidr.contains(a)).map(Range::name).findFirst();
    }

    private static byte[] embeddedV4(byte[] a) {
        if (a.length != 16) {
            return null;
        }
        if (V4_MAPPED.contains(a) || NAT64.contains(a) || V4_COMPAT.contains(a)) {
            return Arrays.copyOfRange(a, 12, 16);
        }
        if (SIX_TO_FOUR.contains(a)) {
            return Arrays.copyOfRange(a, 2, 6);
        }
        return null;
    }

    private static Range range(String cidr, String name) {
        return new Range(Cidr.parse(cidr), name);
    }
}
