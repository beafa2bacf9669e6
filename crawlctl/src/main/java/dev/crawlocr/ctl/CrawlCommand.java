package dev.crawlocr.ctl;

import dev.crawlocr.common.config.ConfigDef;
import dev.crawlocr.common.message.CrawlEvent;
import dev.crawlocr.common.message.CrawlJob;
import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.common.message.Politeness;
import dev.crawlocr.common.message.RequestSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    /** "50/s", "50/sec", "3000/min" or "50" (per second) as requests per second. */
    static final class RateConverter implements ITypeConverter<Double> {
        @Override
        public Double convert(String value) {
            Matcher m = Pattern.compile("\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(?:/\\s*(s|sec|second|m|min|minute|h|hour))?\\s*").matcher(value);
            if (!m.matches()) {
                throw new IllegalArgumentException("Invalid rate '" + value + "': write 50/s, 3000/min or 10000/h");
            }
            double n = Double.parseDouble(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit.charAt(0)) {
                case 'm' -> n / 60;
                case 'h' -> n / 3600;
                default -> n;
            };
        }
    }

    static final class BytesConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return ConfigDef.parseBytes(value);
        }
    }

    @Command(name = "start", description = "Start a crawl and print its id.")
    static final class Start implements Callable<Integer> {
        @ParentCommand
        CrawlCommand parent;

        @Option(names = "--seed", description = "Seed URL (repeatable); or give --urls")
        List<String> seeds = new ArrayList<>();
        @Option(names = "--urls", paramLabel = "FILE", description = "Fetch the URLs listed in FILE, one per line ('-' for standard input;"
                + " blank lines and lines starting with # are skipped), streamed into the crawl in batches")
        String urlList;
        @Option(names = "--follow", defaultValue = "links", paramLabel = "links|none",
                description = "links: follow the links and images of pages (default); none: fetch exactly the seeds or the list")
        String follow;
        @Option(names = "--header", paramLabel = "'NAME: VALUE'", description = "Request header sent with every request (repeatable);"
                + " a value may reference a secret as ${secret:NAME}, which each fetcher resolves from its secrets directory or environment")
        List<String> headers = new ArrayList<>();
        @Option(names = "--accept", split = ",", paramLabel = "TYPES",
                description = "Media types kept as data, e.g. application/json,text/csv,application/xml,text/plain")
        List<String> accept = new ArrayList<>();
        @Option(names = "--body-max-bytes", defaultValue = "256KiB", converter = BytesConverter.class,
                description = "Most bytes stored of a data response (default ${DEFAULT-VALUE}, at most 512KiB)")
        long bodyMaxBytes;
        @Option(names = "--ignore-robots", description = "Send no robots.txt request and apply no robots.txt rule (for an API whose contract allows it)")
        boolean ignoreRobots;
        @Option(names = "--crawl-rate", converter = RateConverter.class, paramLabel = "N/s|N/min",
                description = "Requests per second (or /min) across all of the crawl's hosts and fetchers, 0 = none")
        double crawlRate;
        @Option(names = "--crawl-connections", defaultValue = "0",
                description = "Requests in progress at once across all of the crawl's hosts and fetchers, 0 = none")
        int crawlConnections;
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
        @Option(names = "--sitemaps", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Read the seeds' hosts' sitemaps (robots.txt Sitemap: lines and /sitemap.xml) for more pages (default);"
                        + " --no-sitemaps follows links only. Never with --follow none or --max-depth 0")
        boolean sitemaps;
        @Option(names = "--pdf", negatable = true,
                description = "Fetch PDFs and read their text layer or OCR their pages; --no-pdf: do not (default: as images)")
        Boolean pdf;
        @Option(names = "--pdf-max-bytes", defaultValue = "10MiB", converter = BytesConverter.class, paramLabel = "SIZE",
                description = "Largest PDF fetched; larger ones are refused and recorded; at most the fetchers' IMAGE_MAX_BYTES (default ${DEFAULT-VALUE})")
        long pdfMaxBytes;
        @Option(names = "--delay", defaultValue = "1s", converter = DurationConverter.class, description = "Minimum delay between requests to one host (default ${DEFAULT-VALUE})")
        Duration delay;
        @Option(names = "--max-connections-per-host", defaultValue = "1", description = "Concurrent requests per host (default ${DEFAULT-VALUE})")
        int maxConnections;
        @Option(names = "--requests-per-minute", defaultValue = "0", description = "Request budget per host per minute, 0 = none")
        int perMinute;
        @Option(names = "--max-requests", defaultValue = "0", description = "Request budget for the crawl, 0 = none")
        long maxRequests;
        @Option(names = "--recrawl-interval", converter = DurationConverter.class, description = "Recrawl in cycles: once every URL has an outcome, fetch each again (a conditional GET) this long after its last fetch (default: never)")
        Duration recrawl;
        @Option(names = "--lang", description = "OCR languages: eng, kor, kor+eng, ..., or auto to choose per image (default: the analyzer's)")
        String lang;
        @Option(names = "--psm", description = "Tesseract page segmentation mode (default: the analyzer's)")
        Integer psm;
        @Option(names = "--min-word-confidence", description = "Drop OCR words below this confidence, 0-100")
        Integer minConfidence;
        @Option(names = "--image-copy-max-bytes", converter = BytesConverter.class, paramLabel = "SIZE",
                description = "Keep a copy of each image of at most SIZE bytes for the web console, 0 = none (default: the writer's"
                        + " WRITER_IMAGE_COPY_MAX_BYTES, 2MiB unless set)")
        Long imageCopyMaxBytes;
        @Option(names = "--wait", description = "Wait for the crawl to complete (with --recrawl-interval: its first cycle) and print its counts")
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
            if (urlList == null) {
                jobs.start(job);
                System.out.println(job.crawlId());
            } else {
                System.out.println(job.crawlId());
                System.out.flush();
                CrawlJobs.ListSent sent = sendList(jobs, job);
                System.err.printf("crawlctl: listed %d URLs in %d records; %d lines refused%n", sent.urls(), sent.records(), sent.refused());
            }
            if (!await) {
                return 0;
            }
            Optional<CrawlEvent> done = jobs.awaitCompletion(job.crawlId(), timeout, null);
            if (done.isEmpty()) {
                System.err.println("crawlctl: crawl " + job.crawlId() + " did not complete within " + timeout);
                return 3;
            }
            new java.util.TreeMap<>(done.get().counts()).forEach((k, v) -> System.out.printf("%-14s %d%n", k, v));
            return 0;
        }

        private CrawlJobs.ListSent sendList(CrawlJobs jobs, CrawlJob job) {
            if (urlList.equals("-")) {
                return jobs.startWithList(job, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), "stdin", System.err);
            }
            try (BufferedReader in = Files.newBufferedReader(Path.of(urlList), StandardCharsets.UTF_8)) {
                return jobs.startWithList(job, in, urlList, System.err);
            } catch (IOException e) {
                throw new UserError("Cannot read the URL list " + urlList + ": " + e, e);
            }
        }

        CrawlJob toJob() {
            String crawlId = id != null ? id : "c-" + UUID.randomUUID().toString().substring(0, 8);
            boolean followLinks = switch (follow) {
                case "links" -> true;
                case "none" -> false;
                default -> throw new UserError("Invalid --follow '" + follow + "': give links or none");
            };
            if (urlList != null && !seeds.isEmpty()) {
                throw new UserError("Give --seed or --urls, not both");
            }
            if (urlList == null && seeds.isEmpty()) {
                throw new UserError("Give at least one --seed, or a URL list with --urls FILE");
            }
            if (urlList != null && followLinks && allowHosts.isEmpty() && allowDomains.isEmpty()) {
                throw new UserError("A crawl of a URL list that follows links needs its scope: give --allow-host or --allow-domain,"
                        + " or --follow none to fetch exactly the list");
            }
            try {
                CrawlScope scope = new CrawlScope(allowHosts, allowDomains, include, exclude, maxDepth, maxPagesPerHost, maxPages, null,
                        !noImages, maxOutlinks, followLinks, sitemaps, pdf, pdfMaxBytes);
                Politeness politeness = new Politeness(delay.toMillis(), maxConnections, perMinute, maxRequests,
                        recrawl == null ? 0 : recrawl.toSeconds(), crawlRate, crawlConnections);
                RequestSettings request = new RequestSettings(parseHeaders(), accept, bodyMaxBytes, ignoreRobots);
                return new CrawlJob(CrawlJob.SCHEMA, crawlId, CrawlJob.State.RUNNING, seeds, scope, politeness,
                        new OcrSettings(lang, psm, minConfidence, imageCopyMaxBytes), Instant.now(), request, urlList == null ? 0 : CrawlJob.LIST_SENDING);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage(), e);
            }
        }

        private Map<String, String> parseHeaders() {
            Map<String, String> parsed = new LinkedHashMap<>();
            for (String h : headers) {
                int colon = h.indexOf(':');
                if (colon <= 0 || !RequestSettings.isHeaderName(h.substring(0, colon).trim())) {
                    throw new UserError("Invalid --header '" + RequestSettings.SECRET.matcher(h).replaceAll("\\${secret:…}")
                            + "': write 'Name: value'");
                }
                parsed.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            }
            return parsed;
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
