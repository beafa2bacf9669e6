package dev.crawlocr.localcluster;

/**
 * A local cluster that cannot start or is not there, for a reason the user can fix: a missing node jar, a cluster
 * already running in the directory, a node that refused to start (its message lists the node's problems and names
 * its log). The message says what to do; crawlctl prints it as one line.
 */
public class LocalClusterException extends RuntimeException {
    public LocalClusterException(String message) {
        super(message);
    }
}
