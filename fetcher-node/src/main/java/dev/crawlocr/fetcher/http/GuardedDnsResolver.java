package dev.crawlocr.fetcher.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;

/**
 * Resolves host names for the HTTP client and drops every address the {@link NetworkGuard} blocks, so a connection
 * can only be opened to an allowed address. Because the check runs on the resolved address used for the connect
 * (and for IP literals too), it holds against DNS rebinding and on every redirect hop. Thread-safe.
 */
public final class GuardedDnsResolver implements DnsResolver {
    private final DnsResolver delegate;
    private final NetworkGuard guard;

    public GuardedDnsResolver(NetworkGuard guard) {
        this(SystemDefaultDnsResolver.INSTANCE, guard);
    }

    public GuardedDnsResolver(DnsResolver delegate, NetworkGuard guard) {
        this.delegate = delegate;
        this.guard = guard;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] all = delegate.resolve(bare);
        List<InetAddress> ok = new ArrayList<>();
        String firstReason = null;
        for (InetAddress a : all) {
            var reason = guard.blockReason(a);
            if (reason.isEmpty()) {
                ok.add(a);
            } else if (firstReason == null) {
                firstReason = reason.get();
            }
        }
        if (ok.isEmpty()) {
            throw new BlockedAddressException(host, firstReason == null ? "no addresses" : firstReason);
        }
        return ok.toArray(InetAddress[]::new);
    }

    @Override
    public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetAddress a : resolve(host)) {
            out.add(new InetSocketAddress(a, port));
        }
        return out;
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
        return delegate.resolveCanonicalHostname(host);
    }
}
