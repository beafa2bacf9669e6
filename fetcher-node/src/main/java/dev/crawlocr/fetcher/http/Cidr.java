package dev.crawlocr.fetcher.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 127.0.0.0/8}, {@code fc00::/7}). A bare address is a /32 or
 * /128. Only numeric addresses are accepted, so parsing never does a DNS lookup. Immutable.
 */
public record Cidr(byte[] network, int prefix, String text) {

    public static Cidr parse(String cidr) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (addr.isEmpty() || !(addr.contains(":") || addr.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("Not a numeric IP network: '" + cidr + "'");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
            if (addr.contains(":") && bytes.length == 4) {
                bytes = mapped(bytes); // the JDK turns ::ffff:a.b.c.d into an IPv4 address; keep the IPv6 form
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Not a numeric IP network: '" + cidr + "'", e);
        }
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Bad prefix length in '" + cidr + "'", e);
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException("Prefix length out of range in '" + cidr + "'");
        }
        return new Cidr(bytes, prefix, s);
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    /** True when every entry parses; used by config checks. */
    public static boolean allValid(List<String> cidrs) {
        try {
            cidrs.forEach(Cidr::parse);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    /** True when {@code addr} (4 or 16 bytes) is in this network; an address of the other family never is. */
    public boolean contains(byte[] addr) {
        if (addr.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (addr[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest) & 0xff;
        return (addr[full] & mask) == (network[full] & mask);
    }

    @Override
    public String toString() {
        return text;
    }
}
