package dev.crawlocr.fetcher.politeness;

import dev.crawlocr.common.message.FetchStatus;

/**
 * A request that was not sent on purpose: the lease ran out while waiting for the host's turn, a request budget
 * is spent, or the host moved to another fetcher. Ends the task with {@code status} and the message as reason.
 */
public final class NotAttempted extends RuntimeException {
    private final FetchStatus status;

    public NotAttempted(FetchStatus status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public FetchStatus status() {
        return status;
    }
}
