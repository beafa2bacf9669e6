package dev.crawlocr.fetcher.http;

/**
 * An HTTP exchange that produced no response. {@link Kind} says whether trying again later may help.
 */
public final class FetchFailure extends Exception {

    /** Why no response arrived. */
    public enum Kind {
        /** The SSRF guard refused the address: permanent, recorded as DENIED. */
        BLOCKED(false),
        /** The host name does not resolve. */
        DNS(true),
        /** Connect, read or total timeout. */
        TIMEOUT(true),
        /** Connection refused or reset, TLS failure, protocol error. */
        NETWORK(true),
        /** The URL cannot be requested at all (bad syntax, unsupported scheme). */
        INVALID(false);

        private final boolean transientFailure;

        Kind(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }

        public boolean isTransient() {
            return transientFailure;
        }
    }

    private final Kind kind;

    public FetchFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
