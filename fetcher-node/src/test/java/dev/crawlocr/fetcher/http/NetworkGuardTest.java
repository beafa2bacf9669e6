package dev.crawlocr.fetcher.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class NetworkGuardTest {
    private final NetworkGuard guard = new NetworkGuard(List.of());

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, loopback",
        "127.45.1.9, loopback",
        "10.1.2.3, private",
        "172.16.0.1, private",
        "172.31.255.255, private",
        "192.168.1.1, private",
        "100.64.0.1, carrier-grade NAT",
        "100.127.255.254, carrier-grade NAT",
        "169.254.169.254, cloud metadata",
        "169.254.10.10, link-local",
        "0.0.0.0, unspecified",
        "224.0.0.1, multicast",
        "255.255.255.255, reserved",
        "::1, loopback",
        "::, unspecified",
        "fe80::1, link-local",
        "fc00::1, unique local (private)",
        "fd12:3456::1, unique local (private)",
        "fd00:ec2::254, cloud metadata",
        "ff02::1, multicast",
        "2001:db8::1, documentation",
    })
    void blocksSpecialPurposeAddresses(String address, String kind) throws Exception {
        assertThat(guard.blockReason(InetAddress.getByName(address))).hasValueSatisfying(r -> assertThat(r).endsWith("is a " + kind + " address"));
    }

    @ParameterizedTest
    @CsvSource({
        "64:ff9b::7f00:1, loopback",
        "64:ff9b::a9fe:a9fe, cloud metadata",
        "2002:a00:1::, private",
        "::7f00:1, loopback",
    })
    void blocksIpv4EmbeddedInIpv6(String address, String kind) throws Exception {
        assertThat(guard.blockReason(InetAddress.getByName(address))).hasValueSatisfying(r -> assertThat(r).contains("embeds a " + kind + " IPv4 address"));
    }

    @Test
    void ipv4MappedIpv6IsCheckedAsIpv4() throws Exception {
        // the JDK turns ::ffff:169.254.169.254 into the IPv4 address itself
        assertThat(guard.isBlocked(InetAddress.getByName("::ffff:169.254.169.254"))).isTrue();
        assertThat(guard.isBlocked(InetAddress.getByName("::ffff:127.0.0.1"))).isTrue();
    }

    @Test
    void allowsPublicAddresses() throws Exception {
        assertThat(guard.blockReason(InetAddress.getByName("93.184.216.34"))).isEmpty();
        assertThat(guard.blockReason(InetAddress.getByName("8.8.8.8"))).isEmpty();
        assertThat(guard.blockReason(InetAddress.getByName("2606:4700:4700::1111"))).isEmpty();
        assertThat(guard.blockReason(InetAddress.getByName("172.32.0.1"))).isEmpty();
        assertThat(guard.blockReason(InetAddress.getByName("100.128.0.1"))).isEmpty();
    }

    @Test
    void allowlistLetsOnlyItsNetworksThrough() throws Exception {
        NetworkGuard local = new NetworkGuard(List.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1/128")));
        assertThat(local.isBlocked(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(local.isBlocked(InetAddress.getByName("::1"))).isFalse();
        assertThat(local.isBlocked(InetAddress.getByName("10.0.0.1"))).isTrue();
        assertThat(local.isBlocked(InetAddress.getByName("169.254.169.254"))).isTrue();
    }

    @Test
    void cidrParsing() throws Exception {
        Cidr c = Cidr.parse("10.1.0.0/16");
        assertThat(c.contains(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(c.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddress.getByName("febf::1"))).isTrue();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddress.getByName("fec0::1"))).isFalse();
        assertThat(Cidr.parse("192.0.2.7").contains(InetAddress.getByName("192.0.2.7"))).isTrue();
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).hasMessageContaining("Not a numeric IP network: 'example.com/8'");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("Prefix length out of range in '10.0.0.0/33'");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("Bad prefix length in '10.0.0.0/x'");
    }
}
