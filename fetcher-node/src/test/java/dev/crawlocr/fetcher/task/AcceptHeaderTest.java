package dev.crawlocr.fetcher.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.common.message.FetchStatus;
import dev.crawlocr.common.message.RequestSettings;
import dev.crawlocr.common.message.UrlKind;
import dev.crawlocr.fetcher.testing.Engines;
import dev.crawlocr.fetcher.testing.TestSite;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A page task asks for the crawl's data types first, so a service that negotiates content answers with data. */
class AcceptHeaderTest {
    private final TestSite site = new TestSite();
    private final Engines engines = new Engines();
    private final Queue<String> accepts = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() {
        engines.close();
        site.close();
    }

    /** Answers JSON to a client that prefers it, HTML to any other. */
    private void negotiatingRoute() {
        site.route("/item", ex -> {
            String accept = ex.getRequestHeaders().getFirst("Accept");
            accepts.add(accept);
            if (accept.startsWith("application/json")) {
                TestSite.send(ex, 200, "application/json", "{\"id\":7}");
            } else {
                TestSite.send(ex, 200, "text/html", "<title>Item 7</title>");
            }
        });
    }

    @Test
    void aCrawlThatKeepsDataListsItsTypesFirstAndGetsData() {
        negotiatingRoute();
        engines.crawl("c-data", site.url("/"), new RequestSettings(Map.of(), List.of("application/json", "text/csv"), 1024, false));
        var r = engines.fetch("c-data", site.url("/item")).result();
        assertThat(accepts).containsExactly("application/json,text/csv,text/html;q=0.8,application/xhtml+xml;q=0.7,*/*;q=0.5");
        assertThat(r.status()).isEqualTo(FetchStatus.FETCHED);
        assertThat(r.text()).isEqualTo("{\"id\":7}");
    }

    @Test
    void aCrawlWithoutDataTypesAsksForPagesAsBefore() {
        negotiatingRoute();
        engines.crawl("c-pages", site.url("/"));
        var r = engines.fetch("c-pages", site.url("/item")).result();
        assertThat(accepts).containsExactly(TaskRunner.PAGE_ACCEPT);
        assertThat(accepts.peek()).isEqualTo("text/html,application/xhtml+xml;q=0.9,*/*;q=0.5");
        assertThat(r.title()).isEqualTo("Item 7");
    }

    @Test
    void imagesAskForImagesWhateverTheCrawlKeeps() {
        site.route("/i.png", ex -> {
            accepts.add(ex.getRequestHeaders().getFirst("Accept"));
            TestSite.send(ex, 404, "text/plain", "none");
        });
        engines.crawl("c-img", site.url("/"), new RequestSettings(Map.of(), List.of("application/json"), 1024, false));
        engines.fetch("c-img", site.url("/i.png"), UrlKind.IMAGE, 1);
        assertThat(accepts).containsExactly(TaskRunner.IMAGE_ACCEPT);
    }
}
