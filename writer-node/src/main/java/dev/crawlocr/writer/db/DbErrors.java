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
