package dev.crawlocr.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crawlocr.common.message.CrawlJob;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What {@code crawlctl crawl start} makes of its options, and the mistakes it refuses before anything is sent. */
class CrawlStartTest {

    private static CrawlJob job(String... options) {
        List<String> args = new ArrayList<>(List.of("crawl", "start"));
        args.addAll(List.of(options));
        CommandLine.ParseResult parsed = new CommandLine(new Crawlctl()).parseArgs(args.toArray(String[]::new));
        return ((CrawlCommand.Start) parsed.subcommand().subcommand().commandSpec().userObject()).toJob();
    }

    @Test
    void anApiCrawlCarriesItsContractHeadersAndDataTypes() {
        CrawlJob job = job("--urls", "items.txt", "--follow", "none", "--ignore-robots", "--crawl-rate", "3000/min", "--crawl-connections", "8",
                "--header", "Authorization: Bearer ${secret:PROVIDER_TOKEN}", "--header", "X-Client:crawlocr",
                "--accept", "application/json,Text/CSV", "--body-max-bytes", "64KiB", "--max-requests", "900", "--delay", "0");
        assertThat(job.seeds()).isEmpty();
        assertThat(job.listRecords()).isEqualTo(CrawlJob.LIST_SENDING);
        assertThat(job.scope().followLinks()).isFalse();
        assertThat(job.politeness().crawlRatePerSecond()).isEqualTo(50.0);
        assertThat(job.politeness().crawlConnections()).isEqualTo(8);
        assertThat(job.politeness().maxRequestsTotal()).isEqualTo(900);
        assertThat(job.request().headers()).containsExactly(Map.entry("Authorization", "Bearer ${secret:PROVIDER_TOKEN}"),
                Map.entry("X-Client", "crawlocr"));
        assertThat(job.request().acceptTypes()).containsExactly("application/json", "text/csv");
        assertThat(job.request().bodyMaxBytes()).isEqualTo(64 * 1024);
        assertThat(job.request().ignoreRobots()).isTrue();
    }

    @Test
    void pdfsFollowImagesUnlessSetAndHaveASizeCap() {
        CrawlJob plain = job("--seed", "http://a.example/");
        assertThat(plain.scope().pdfs()).isNull();
        assertThat(plain.scope().fetchesPdfs()).isTrue();
        assertThat(plain.scope().pdfMaxBytes()).isEqualTo(10L << 20);
        assertThat(job("--seed", "http://a.example/", "--no-images").scope().fetchesPdfs()).isFalse();
        CrawlJob on = job("--seed", "http://a.example/", "--no-images", "--pdf", "--pdf-max-bytes", "2MiB");
        assertThat(on.scope().fetchesPdfs()).isTrue();
        assertThat(on.scope().pdfMaxBytes()).isEqualTo(2L << 20);
        assertThat(job("--seed", "http://a.example/", "--no-pdf").scope().fetchesPdfs()).isFalse();
    }

    @Test
    void ratesReadPerSecondPerMinuteOrPerHour() {
        CrawlCommand.RateConverter rates = new CrawlCommand.RateConverter();
        assertThat(rates.convert("50/s")).isEqualTo(50.0);
        assertThat(rates.convert("50")).isEqualTo(50.0);
        assertThat(rates.convert("90 / min")).isEqualTo(1.5);
        assertThat(rates.convert("7200/h")).isEqualTo(2.0);
        assertThatThrownBy(() -> rates.convert("fast")).hasMessageContaining("write 50/s");
    }

    @Test
    void sitemapsAreReadUnlessSwitchedOffOrLinksAreNotFollowed() {
        assertThat(job("--seed", "http://a.example/").scope().readsSitemaps()).isTrue();
        assertThat(job("--seed", "http://a.example/", "--sitemaps").scope().sitemaps()).isTrue();
        assertThat(job("--seed", "http://a.example/", "--no-sitemaps").scope().sitemaps()).isFalse();
        assertThat(job("--seed", "http://a.example/", "--follow", "none").scope().readsSitemaps()).isFalse();
        assertThat(job("--seed", "http://a.example/", "--max-depth", "0").scope().readsSitemaps()).isFalse();
    }

    @Test
    void mistakesAreRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> job()).isInstanceOf(UserError.class).hasMessageContaining("--seed").hasMessageContaining("--urls");
        assertThatThrownBy(() -> job("--seed", "http://a.example/", "--urls", "x.txt")).hasMessageContaining("not both");
        assertThatThrownBy(() -> job("--urls", "x.txt")).hasMessageContaining("--allow-host").hasMessageContaining("--follow none");
        assertThatThrownBy(() -> job("--seed", "http://a.example/", "--follow", "some")).hasMessageContaining("links or none");
        assertThatThrownBy(() -> job("--seed", "http://a.example/", "--header", "Bearer ${secret:T}"))
                .hasMessageContaining("'Name: value'").hasMessageNotContaining("${secret:T}");
        assertThatThrownBy(() -> job("--seed", "http://a.example/", "--header", "Host: b.example")).hasMessageContaining("set by the fetcher");
        assertThatThrownBy(() -> job("--seed", "http://a.example/", "--header", "X: ${secret:bad name}"))
                .hasMessageContaining("malformed secret reference");
        assertThatThrownBy(() -> job("--seed", "http://a.example/", "--accept", "image/png")).hasMessageContaining("textual media types");
        assertThatThrownBy(() -> job("--seed", "http://a.example/", "--body-max-bytes", "2MiB")).hasMessageContaining("bodyMaxBytes");
    }
}
