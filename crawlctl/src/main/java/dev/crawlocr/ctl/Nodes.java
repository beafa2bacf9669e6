package dev.crawlocr.ctl;

import java.util.HashMap;
import java.util.Map;

/** Environment that local runs give the nodes on top of the caller's. */
final class Nodes {

    /**
     * @param allowNetwork a CIDR the fetcher may reach although the SSRF guard blocks it by default (local demo
     *                     sites live on 127.0.0.1), or "none"
     */
    static Map<String, String> localEnv(String allowNetwork) {
        Map<String, String> env = new HashMap<>();
        if (!"none".equals(allowNetwork)) {
            env.put("FETCHER_ALLOW_NETWORKS", allowNetwork);
        }
        return env;
    }

    private Nodes() {
    }
}
