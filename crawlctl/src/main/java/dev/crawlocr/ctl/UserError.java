package dev.crawlocr.ctl;

/** A failure the user can fix; crawlctl prints its message as one line, without a stack trace, and exits 1. */
public class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
