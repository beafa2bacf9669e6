package dev.crawlocr.fetcher.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.DnsResolver;
import org.junit.jupiter.api.Test;

class GuardedDnsResolverTest {
    private final NetworkGuard guard = new NetworkGuard(List.of());

    /** A DNS answer that changes between lookups, as a rebinding attacker's server does. */
    private static DnsResolver answers(String... perLookup) {
        AtomicInteger n = new AtomicInteger();
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                String[] addrs = perLookup[Math.min(n.getAndIncrement(), perLookup.length - 1)].split(" ");
                InetAddress[] out = new InetAddress[addrs.length];
                for (int i = 0; i < addrs.length; i++) {
                    out[i] = InetAddress.getByAddress(host, InetAddress.getByName(addrs[i]).getAddress());
                }
                return out;
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
    }

    @Test
    void dropsBlockedAddressesFromAnAnswer() throws Exception {
        GuardedDnsResolver r = new GuardedDnsResolver(answers("10.0.0.5 93.184.216.34"), guard);
        assertThat(r.resolve("mixed.example")).extracting(InetAddress::getHostAddress).containsExactly("93.184.216.34");
        assertThat(r.resolve("mixed.example", 80)).hasSize(1);
    }

    @Test
    void refusesAHostWhoseEveryAddressIsBlocked() {
        GuardedDnsResolver r = new GuardedDnsResolver(answers("169.254.169.254"), guard);
        assertThatThrownBy(() -> r.resolve("metadata.example"))
                .isInstanceOf(BlockedAddressException.class)
                .hasMessage("SSRF guard blocked metadata.example: 169.254.169.254 is a cloud metadata address");
    }

    @Test
    void checksEveryLookupSoRebindingIsCaught() throws Exception {
        GuardedDnsResolver r = new GuardedDnsResolver(answers("93.184.216.34", "127.0.0.1"), guard);
        assertThat(r.resolve("rebind.example")).hasSize(1);
        assertThatThrownBy(() -> r.resolve("rebind.example")).hasMessageContaining("127.0.0.1 is a loopback address");
    }

    @Test
    void checksIpLiteralsAndBracketedIpv6() {
        GuardedDnsResolver r = new GuardedDnsResolver(guard);
        assertThatThrownBy(() -> r.resolve("127.0.0.1")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> r.resolve("[::1]")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> r.resolve("localhost")).isInstanceOf(BlockedAddressException.class);
    }
}
