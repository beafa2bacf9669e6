package dev.crawlocr.fetcher.http;

import java.net.UnknownHostException;

/**
 * Thrown by the guarded resolver when every address of a host is blocked by the SSRF guard, so the HTTP client
 * never opens a connection. A subtype of {@link UnknownHostException} because that is what a resolver may throw.
 */
public final class BlockedAddressException extends UnknownHostException {
    private final String host;

    public BlockedAddressException(String host, String reason) {
        super("SSRF guard blocked " + host + ": " + reason);
        this.host = host;
    }

    public String host() {
        return host;
    }
}
