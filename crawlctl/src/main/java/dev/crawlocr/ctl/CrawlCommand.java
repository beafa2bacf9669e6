package dev.crawlocr.ctl;

import dev.crawlocr.common.config.ConfigDef;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code crawlctl crawl start|stop|list}. */
@Command(name = "crawl", description = "Start, stop and list crawls.", subcommands = {
        CrawlCommand.Start.class, CrawlCommand.Stop.class, CrawlCommand.ListCrawls.class})
final class CrawlCommand {
    @ParentCommand
    Crawlctl root;

    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return ConfigDef.parseDuration(value);
        }
    }

    @Command(name = "start", description = "Start a crawl and print its id.")
    static final class Start implements Callable<Integer> {
        @ParentCommand
        CrawlCommand parent;

        @Option(names = "--seed", required = true, description = "Seed URL (repeatable)")
        List<String> seeds;
        @Option(names = "--id", description = "Crawl id (default: generated)")
        String id;
        @Option(names = "--allow-host", description = "Host to stay on (repeatable; default: the seeds' hosts)")
        List<String> allowHosts = new ArrayList<>();
        @Option(names = "--allow-domain", description = "Registered domain to stay in (repeatable)")
        List<String> allowDomains = new ArrayList<>();
        @Option(names = "--include", description = "Regex a URL must match (repeatable)")
        List<String> include = new ArrayList<>();
        @Option(names = "--exclude", description = "Regex that drops a URL (repeatable)")
        List<String> exclude = new ArrayList<>();
        @Option(names = "--max-depth", defaultValue = "10", description = "Link hops from a seed (default ${DEFAULT-VALUE})")
        int maxDepth;
        @Option(names = "--max-pages", defaultValue = "0", description = "Page cap for the crawl, 0 = none")
        long maxPages;
        @Option(names = "--max-pages-per-host", defaultValue = "0", description = "Page cap per host, 0 = none")
        long maxPagesPerHost;
        @Option(names = "--max-outlinks", defaultValue = "0",
                description = "Links (and images) followed per page, 0 = the fetchers' FETCHER_MAX_OUTLINKS (1000 unless set)")
        int maxOutlinks;
        @Option(names = "--no-images", description = "Do not fetch or OCR images")
        boolean noImages;
        @Option(names = "--delay", defaultValue = "1s", converter = DurationConverter.class, description = "Minimum delay between requests to one host (default ${DEFAULT-VALUE})")
        Duration delay;
        @Option(names = "--max-connections-per-host", defaultValue = "1", description = "Concurrent requests per host (default ${DEFAULT-VALUE})")
        int maxConnections;
        @Option(names = "--requests-per-minute", defaultValue = "0", description = "Request budget per host per minute, 0 = none")
        int perMinute;
        @Option(names = "--max-requests", defaultValue = "0", description = "Request budget for the crawl, 0 = none")
        long maxRequests;
        @Option(names = "--recrawl-interval", converter = DurationConverter.class, description = "Fetch URLs again after this long (default: never)")
        Duration recrawl;
        @Option(names = "--lang", description = "OCR languages: eng, kor, kor+eng, ..., or auto to choose per image (default: the analyzer's)")
        String lang;
        @Option(names = "--psm", description = "Tesseract page segmentation mode (default: the analyzer's)")
        Integer psm;
        @Option(names = "--min-word-confidence", description = "Drop OCR words below this confidence, 0-100")
        Integer minConfidence;
        @Option(names = "--wait", description = "Wait for the crawl to complete and print its counts")
        boolean await;
        @Option(names = "--timeout", defaultValue = "1h", converter = DurationConverter.class, description = "How long --wait waits (default ${DEFAULT-VALUE})")
        Duration timeout;

        @Override
        public Integer call() {
            CrawlJob job = toJob();
            try (Admin admin = Kafka.admin(parent.root.kafkaConfig())) {
                parent.root.checkSameCluster(admin);
            }
            CrawlJobs jobs = new CrawlJobs(parent.root.kafkaConfig());
            jobs.start(job);
            System.out.println(job.crawlId());
            if (!await) {
                return 0;
            }
            Optional<CrawlEvent> done = jobs.awaitCompletion(job.crawlId(), timeout, null);
            if (done.isEmpty()) {
                System.err.println("crawlctl: crawl " + job.crawlId() + " did not complete within " + timeout);
                return 3;
            }
            done.get().counts().forEach((k, v) -> System.out.printf("%-14s %d%n", k, v));
            return 0;
        }

        CrawlJob toJob() {
            String crawlId = id != null ? id : "c-" + UUID.randomUUID().toString().substring(0, 8);
            try {
                CrawlScope scope = new CrawlScope(allowHosts, allowDomains, include, exclude, maxDepth, maxPagesPerHost, maxPages, null,
                        !noImages, maxOutlinks);
                Politeness politeness = new Politeness(delay.toMillis(), maxConnections, perMinute, maxRequests, recrawl == null ? 0 : recrawl.toSeconds());
                return new CrawlJob(CrawlJob.SCHEMA, crawlId, CrawlJob.State.RUNNING, seeds, scope, politeness,
                        new OcrSettings(lang, psm, minConfidence), Instant.now());
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), e);
            }
        }
    }

    @Command(name = "stop", description = "Stop scheduling a crawl.")
    static final class Stop implements Callable<Integer> {
        @ParentCommand
        CrawlCommand parent;
        @Parameters(paramLabel = "ID")
        String id;

        @Override
        public Integer call() {
            new CrawlJobs(parent.root.kafkaConfig()).stop(id);
            System.out.println("stopped " + id);
            return 0;
        }
    }

    @Command(name = "list", description = "List crawls.")
    static final class ListCrawls implements Callable<Integer> {
        @ParentCommand
        CrawlCommand parent;

        @Override
        public Integer call() {
            CrawlJobs jobs = new CrawlJobs(parent.root.kafkaConfig());
            Kafka.ready(parent.root.kafkaConfig());
            Map<String, CrawlEvent> done = jobs.completions();
            System.out.printf("%-14s %-10s %-24s %s%n", "ID", "STATE", "CREATED", "SEEDS");
            jobs.all().values().forEach(j -> System.out.printf("%-14s %-10s %-24s %s%n", j.crawlId(),
                    done.containsKey(j.crawlId()) ? "COMPLETED" : j.state(), j.createdAt().toString().substring(0, 19) + "Z",
                    String.join(" ", j.seeds())));
            return 0;
        }
    }
}
