package dev.crawlocr.writer.db;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Sorts database failures: transient ones (server unreachable or shutting down, pool timeout, deadlock,
 * serialization failure, out of resources) are retried with back-off; anything else is a problem with the data
 * being written.
 */
public final class DbErrors {

    public static boolean isTransient(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
                return true;
            }
            if (e instanceof SQLException sql && transientState(sql.getSQLState())) {
                return true;
            }
            if (e instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when the database refused the data itself: a data exception (class 22, e.g. an invalid value), an
     * integrity constraint (class 23) or a program limit such as a too-long search vector (class 54). Only such a
     * record can never be written; any other failure (a bug, a missing table) is retried rather than dropped.
     */
    public static boolean isDataError(Throwable t) {
        for (Throwable e = t; e != null; e = e.getCause()) {
            if (e instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("22") || state.startsWith("23") || state.startsWith("54");
            }
        }
        return false;
    }

    static boolean transientState(String state) {
        if (state == null) {
            return false;
        }
        return state.startsWith("08")      // connection exception
                || state.startsWith("53")  // insufficient resources
                || state.startsWith("57")  // operator intervention: admin shutdown, cannot connect now
                || state.startsWith("58")  // system error (I/O)
                || state.equals("40001")   // serialization failure
                || state.equals("40P01")   // deadlock detected
                || state.equals("55P03");  // lock not available
    }

    private DbErrors() {
    }
}
