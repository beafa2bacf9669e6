package dev.crawlocr.localcluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PortsTest {
    @Test
    void portsAreTakenBelowTheKernelsEphemeralRange() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralLow = Files.exists(range) ? Integer.parseInt(Files.readAllLines(range).getFirst().trim().split("\\s+")[0]) : 49_152;
        for (int i = 0; i < 20; i++) {
            assertThat(Ports.free()).isBetween(10_000, ephemeralLow - 1);
        }
    }
}
