package dev.crawlocr.fetcher.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SSRF guard with only 127.0.0.2 allowlisted: the site lives there, and a server on 127.0.0.1 stands for an
 * internal service that must never be reached, directly or through a redirect.
 */
class SsrfGuardTest {
    private final TestSite site = new TestSite("127.0.0.2");
    private final TestSite internal = new TestSite("127.0.0.1");
    private final Engines engines = new Engines(Map.of("FETCHER_ALLOW_NETWORKS", "127.0.0.2/32"));

    @AfterEach
    void close() {
        engines.close();
        site.close();
        internal.close();
    }

    private FetchResult redirectTo(String path, String location) {
        site.route(path, TestSite.redirect(302, location));
        engines.crawl("c", site.url("/"));
        return engines.fetch("c", site.url(path)).result();
    }

    @Test
    void aRedirectToLoopbackIsDenied() {
        internal.route("/admin", TestSite.html("<title>admin</title>"));
        FetchResult r = redirectTo("/to-loopback", internal.url("/admin"));
        assertThat(r.status()).isEqualTo(FetchStatus.DENIED);
        assertThat(r.httpStatus()).isEqualTo(302);
        assertThat(r.redirectTo()).isEqualTo(internal.url("/admin"));
        assertThat(r.reason()).isEqualTo("redirect target refused: SSRF guard blocked 127.0.0.1: 127.0.0.1 is a loopback address");
        assertThat(internal.hits()).isEmpty();
    }

    @Test
    void aRedirectToTheMetadataAddressIsDenied() {
        FetchResult r = redirectTo("/to-metadata", "http://169.254.169.254/latest/meta-data/iam/security-credentials/");
        assertThat(r.status()).isEqualTo(FetchStatus.DENIED);
        assertThat(r.reason()).isEqualTo("redirect target refused: SSRF guard blocked 169.254.169.254: 169.254.169.254 is a cloud metadata address");
    }

    @Test
    void redirectsToNamesAndIpv6FormsOfBlockedAddressesAreDenied() {
        assertThat(redirectTo("/to-localhost", "http://localhost:" + internal.port() + "/").reason()).contains("SSRF guard blocked localhost");
        // the shared URL normalizer refuses IPv6 literals, so such a target is never emitted at all
        FetchResult v6 = redirectTo("/to-v6", "http://[::1]:" + internal.port() + "/");
        assertThat(v6.status()).isEqualTo(FetchStatus.ERROR);
        assertThat(v6.reason()).isEqualTo("HTTP 302 to an invalid location: http://[::1]:" + internal.port() + "/");
        assertThat(redirectTo("/to-private", "http://10.0.0.7/").reason()).contains("10.0.0.7 is a private address");
        assertThat(internal.hits()).isEmpty();
    }

    @Test
    void aTaskForABlockedAddressIsDeniedAtConnectTimeWithoutAnyRequest() {
        internal.route("/admin", TestSite.html("<title>admin</title>"));
        engines.crawl("d", internal.url("/admin"));
        FetchResult direct = engines.fetch("d", internal.url("/admin")).result();
        assertThat(direct.status()).isEqualTo(FetchStatus.DENIED);
        assertThat(direct.reason()).isEqualTo("SSRF guard blocked 127.0.0.1: 127.0.0.1 is a loopback address");
        assertThat(internal.hits()).as("neither robots.txt nor the page was requested").isEmpty();

        engines.crawl("m", "http://169.254.169.254/");
        FetchResult metadata = engines.fetch("m", "http://169.254.169.254/latest/meta-data/").result();
        assertThat(metadata.status()).isEqualTo(FetchStatus.DENIED);
        assertThat(metadata.reason()).contains("cloud metadata");
    }

    @Test
    void theDefaultConfigurationBlocksLoopback() {
        try (Engines strict = new Engines(Map.of("FETCHER_ALLOW_NETWORKS", ""))) {
            strict.crawl("s", site.url("/"));
            FetchResult r = strict.fetch("s", site.url("/")).result();
            assertThat(r.status()).isEqualTo(FetchStatus.DENIED);
            assertThat(r.reason()).contains("127.0.0.2 is a loopback address");
        }
        assertThat(site.hits()).isEmpty();
    }
}
