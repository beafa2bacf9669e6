package dev.crawlocr.localcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PaidApiTest {
    private static final String TOKEN = "s3cret-token";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private PaidApi api;

    @AfterEach
    void stop() {
        if (api != null) {
            api.close();
        }
        http.close();
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        return http.send(request(url, token), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String url, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b.build();
    }

    @Test
    void servesThreeLoopbackHostsAndAnswers401WithoutTheRightTokenRecordingThePaths() throws Exception {
        api = PaidApi.start(TOKEN, 100, 8);
        assertThat(api.baseUrls()).hasSize(3);
        assertThat(api.baseUrls().get(0)).matches("http://127\\.0\\.1\\.1:\\d+");
        assertThat(api.baseUrls().get(1)).startsWith("http://127.0.1.2:");
        assertThat(api.baseUrls().get(2)).startsWith("http://127.0.1.3:");

        HttpResponse<String> none = get(api.baseUrls().get(0) + "/items/1", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        HttpResponse<String> wrong = get(api.baseUrls().get(1) + "/items/2", "not-" + TOKEN);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).doesNotContain("item-2");

        HttpResponse<String> ok = get(api.baseUrls().get(2) + "/items/3", TOKEN);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(ok.body()).isEqualTo(PaidApiItems.json(3)).contains("\"id\": 3", "\"name\": \"item-3\"", "\"price\": ", "\"tags\": [");

        assertThat(api.unauthenticated()).isEqualTo(2);
        assertThat(api.unauthenticatedPaths()).containsOnly(
                entry("/items/1", 1L), entry("/items/2", 1L));
        assertThat(api.charged()).isEqualTo(3);
        assertThat(api.violationCount()).isZero();
    }

    @Test
    void servesEveryBodyTypeDeterministicallyAndAMalformedJsonDocument() throws Exception {
        api = PaidApi.start(TOKEN, 100, 8);
        String base = api.baseUrls().get(0);

        HttpResponse<String> json = get(base + "/items/7", TOKEN);
        assertThat(json.body()).isEqualTo("{\"id\": 7, \"name\": \"item-7\", \"price\": 555.33, \"tags\": [\"rocket\", \"window\"]}");
        assertThat(get(base + "/items/7", TOKEN).body()).isEqualTo(json.body());

        HttpResponse<String> csv = get(base + "/items/7.csv", TOKEN);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.body()).isEqualTo("id,name,price,tags\n7,item-7,555.33,rocket;window\n");

        HttpResponse<String> xml = get(base + "/items/7.xml", TOKEN);
        assertThat(xml.headers().firstValue("Content-Type")).hasValue("application/xml");
        assertThat(xml.body()).startsWith("<?xml").contains("<item id=\"7\"><name>item-7</name><price>555.33</price>");

        HttpResponse<String> txt = get(base + "/items/7.txt", TOKEN);
        assertThat(txt.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(txt.body()).isEqualTo("item-7 costs 555.33 and is tagged rocket and window.\n");

        HttpResponse<String> broken = get(base + "/broken/7", TOKEN);
        assertThat(broken.statusCode()).isEqualTo(200);
        assertThat(broken.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(broken.body()).startsWith("{\"id\": 7, \"name\": \"item-7\"").doesNotEndWith("}");
        assertThat(PaidApiItems.json(7)).startsWith(broken.body());

        HttpResponse<String> robots = get(base + "/robots.txt", TOKEN);
        assertThat(robots.body()).isEqualTo("User-agent: *\nDisallow: /\n");

        for (String missing : List.of("/items/-1", "/items/x", "/items/7.pdf", "/broken/7.csv", "/", "/other")) {
            HttpResponse<String> notFound = get(base + missing, TOKEN);
            assertThat(notFound.statusCode()).as(missing).isEqualTo(404);
            assertThat(notFound.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(notFound.body()).contains("\"error\": \"not found\"", "\"path\": \"" + missing + "\"");
        }
        assertThat(PaidApiItems.price(0)).isEqualTo("1.00");
        for (long n = 0; n < 200; n++) {
            String tags = PaidApiItems.json(n).replaceAll(".*\\[(.*)\\].*", "$1");
            assertThat(tags.split(", ")).as("tags of item %d", n).doesNotHaveDuplicates().hasSize(2);
        }
        assertThat(get(base + "/items/12", TOKEN).body()).contains("\"price\": 951.28");
    }

    @Test
    void chargesEveryRequestWhateverItsAnswerPerHostAndPath() throws Exception {
        api = PaidApi.start(TOKEN, 100, 8);
        String a = api.baseUrls().get(0);
        String b = api.baseUrls().get(1);
        get(a + "/items/1", TOKEN);
        get(b + "/items/1", TOKEN);
        get(a + "/items/2.csv", TOKEN);
        get(a + "/robots.txt", TOKEN);
        get(a + "/nothing-here", TOKEN);
        get(b + "/items/1", null);

        assertThat(api.charged()).isEqualTo(6);
        assertThat(api.charges()).containsExactly(
                entry(a + "/items/1", 1L),
                entry(a + "/items/2.csv", 1L),
                entry(a + "/nothing-here", 1L),
                entry(a + "/robots.txt", 1L),
                entry(b + "/items/1", 2L));
        assertThat(api.charges(b + "/items/1")).isEqualTo(2);
        assertThat(api.charges(b + "/items/2.csv")).isZero();
        assertThat(api.repeatedUrls()).containsOnlyKeys(b + "/items/1");
    }

    @Test
    void requestsFasterThanTheRateAcrossHostsAre429RateViolationsWhileRequestsWithinItAreNot() throws Exception {
        int rate = 5;
        api = PaidApi.start(TOKEN, rate, 8);
        List<String> hosts = api.baseUrls().subList(0, 2);

        // Within the rate: each request waits until a second has passed since the response to the one `rate` before.
        List<Long> answeredAt = new ArrayList<>();
        for (int i = 0; i < 2 * rate; i++) {
            if (i >= rate) {
                long windowOpen = answeredAt.get(i - rate);
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                        .until(() -> System.nanoTime() - windowOpen > 1_000_000_000L);
            }
            HttpResponse<String> r = get(hosts.get(i % 2) + "/items/" + i, TOKEN);
            answeredAt.add(System.nanoTime());
            assertThat(r.statusCode()).as("paced request %d", i).isEqualTo(200);
        }
        assertThat(api.violationCount()).isZero();

        // Faster than the rate: the `rate` requests of the last second were the paced ones, so these break it.
        List<Integer> statuses = new ArrayList<>();
        List<HttpResponse<String>> limited = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = get(hosts.get(i % 2) + "/items/" + (100 + i), TOKEN);
            statuses.add(r.statusCode());
            limited.add(r);
        }
        assertThat(statuses).containsExactly(429, 429, 429);
        assertThat(limited.get(0).headers().firstValue("Retry-After")).hasValue("1");
        assertThat(api.violationCount(PaidApi.Limit.RATE)).isEqualTo(3);
        assertThat(api.violationCount(PaidApi.Limit.CONCURRENCY)).isZero();
        assertThat(api.violations()).extracting(v -> v.kind().toString()).containsOnly("rate");
        assertThat(api.violations()).extracting(PaidApi.Violation::host)
                .containsExactly(host(hosts.get(0)), host(hosts.get(1)), host(hosts.get(0)));
        assertThat(api.violations()).extracting(PaidApi.Violation::path).containsExactly("/items/100", "/items/101", "/items/102");
        assertThat(api.charged()).isEqualTo(2 * rate + 3);
    }

    @Test
    void aBurstOfRequestsFasterThanTheRateHasItsExcessAnswered429() throws Exception {
        api = PaidApi.start(TOKEN, 4, 8);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            statuses.add(get(api.baseUrls().get(i % 2) + "/items/" + i, TOKEN).statusCode());
        }
        // Seven requests within a second (they take a few ms each): the fifth to seventh are over a rate of four.
        assertThat(statuses).containsExactly(200, 200, 200, 200, 429, 429, 429);
        assertThat(api.violationCount(PaidApi.Limit.RATE)).isEqualTo(3);
    }

    private static String host(String baseUrl) {
        return baseUrl.substring("http://".length());
    }

    @Test
    void requestsBeyondMaxConcurrentAre429ConcurrencyViolations() throws Exception {
        api = PaidApi.start(PaidApi.DEFAULT_ADDRESSES, 0, TOKEN, 1000, 2, Duration.ofMillis(300));
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            pending.add(http.sendAsync(request(api.baseUrls().get(i % 3) + "/items/" + i, TOKEN), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : pending) {
            statuses.add(f.get().statusCode());
        }
        // Five requests arrive within the 300 ms the first two are in progress: three are over the limit of two.
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(2);
        assertThat(statuses).filteredOn(s -> s == 429).hasSize(3);
        assertThat(api.violationCount(PaidApi.Limit.CONCURRENCY)).isEqualTo(3);
        assertThat(api.violationCount(PaidApi.Limit.RATE)).isZero();
        assertThat(api.violations()).extracting(PaidApi.Violation::kind).containsOnly(PaidApi.Limit.CONCURRENCY);
        assertThat(api.peakConcurrency()).isEqualTo(5);

        // Requests one after another stay within the limit.
        long before = api.violationCount();
        for (int i = 0; i < 3; i++) {
            assertThat(get(api.baseUrls().get(i) + "/items/" + (10 + i), TOKEN).statusCode()).isEqualTo(200);
        }
        assertThat(api.violationCount()).isEqualTo(before);
    }

    @Test
    void theOverloadSwitchAnswers503WithRetryAfterAndCountsRequestsThatDoNotWait() throws Exception {
        api = PaidApi.start(TOKEN, 100, 8);
        api.overload(Duration.ofMillis(500), 1, 503);

        HttpResponse<String> first = get(api.baseUrls().get(0) + "/items/1", TOKEN);
        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(api.ignoredRetryAfter()).isZero();

        // Another host, at once: inside the Retry-After period.
        HttpResponse<String> impatient = get(api.baseUrls().get(1) + "/items/2", TOKEN);
        assertThat(impatient.statusCode()).isEqualTo(503);
        assertThat(api.ignoredRetryAfter()).isEqualTo(1);

        // A polite client waits the second Retry-After asks for, counted from the last overload answer; the
        // overload window (500 ms) is over by then.
        long lastAnswered = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> System.nanoTime() - lastAnswered > 1_050_000_000L);
        HttpResponse<String> polite = get(api.baseUrls().get(2) + "/items/3", TOKEN);
        assertThat(polite.statusCode()).isEqualTo(200);
        assertThat(polite.body()).contains("item-3");
        assertThat(api.ignoredRetryAfter()).isEqualTo(1);
        assertThat(api.charged()).isEqualTo(3);
        assertThat(api.violationCount()).isZero();
    }

    @Test
    void theOverloadSwitchCanAnswer429AndChecksItsStatus() throws Exception {
        api = PaidApi.start(TOKEN, 100, 8);
        api.overload(Duration.ofSeconds(30), 7, 429);
        HttpResponse<String> r = get(api.baseUrls().get(2) + "/items/1", TOKEN);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(api.violationCount()).isZero();
        assertThatThrownBy(() -> api.overload(Duration.ofSeconds(1), 1, 500))
                .hasMessageContaining("'status'").hasMessageContaining("500");
    }
}
