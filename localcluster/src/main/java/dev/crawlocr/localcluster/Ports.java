package dev.crawlocr.localcluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports for local processes to listen on. A port is checked free here and bound later by another
 * process, so it is taken below the kernel's ephemeral range: no outgoing connection (a Kafka client's, say) can
 * take it in between, as it can a port the kernel hands out for {@code new ServerSocket(0)}. A port is handed out
 * once per JVM.
 */
public final class Ports {
    private static final int LOWEST = 10_000;
    private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    public static int free() throws IOException {
        int high = ephemeralLow();
        if (high - LOWEST < 1_000) {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, high);
            if (!handedOut.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(port));
                return port;
            } catch (IOException taken) {
                // in use; try another
            }
        }
        throw new IOException("No free TCP port between " + LOWEST + " and " + high);
    }

    /** The lowest ephemeral port of this machine (Linux), else the IANA range's start. */
    private static int ephemeralLow() {
        try {
            // readAllLines, not readString: procfs reports a size of 0, and readString then returns only the first byte
            return Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).getFirst().trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 49_152;
        }
    }
}
