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
    private final boolean unanswered;

    public FetchFailure(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, false);
    }

    /** @param unanswered the host never answered: unresolvable, refused, or silent until a timeout before any response */
    public FetchFailure(Kind kind, String message, Throwable cause, boolean unanswered) {
        super(message, cause);
        this.kind = kind;
        this.unanswered = unanswered;
    }

    public Kind kind() {
        return kind;
    }

    /** True when the host never answered (see the constructor); a host that answers badly is not unanswered. */
    public boolean unanswered() {
        return unanswered;
    }
}
