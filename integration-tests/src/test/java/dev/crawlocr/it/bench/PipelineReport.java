package dev.crawlocr.it.bench;

import dev.crawlocr.it.bench.PipelineBenchmark.Crawl;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The figures of each case of {@link PipelineBenchmark}, with their ratios and targets, printed as one table. */
final class PipelineReport {
    private static final String ROW = "%-34s %-16s %-16s %-26s %-16s %s%n";
    private final int cores;
    private final int hosts;
    private final double limit;
    private final List<String[]> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /** (b) and (c) crawl {@code hosts} hosts {@code delayMs} apart: a politeness limit of hosts / delay requests per second. */
    PipelineReport(int cores, int hosts, int delayMs) {
        this.cores = cores;
        this.hosts = hosts;
        this.limit = hosts * 1000.0 / delayMs;
    }

    void a(Crawl ours, ScrapyPeer.Run theirs) {
        double ratio = ours.pagesPerSecond() / theirs.pagesPerSecond();
        rows.add(new String[] {"(a) 1 host, 64 connections", f("%.0f pages/s", ours.pagesPerSecond()), f("%.0f pages/s", theirs.pagesPerSecond()),
                f("%.2fx Scrapy", ratio), verdict(ratio >= 1.5, ">= 1.5x"), lag(ours)});
        notes.add(f("(a) crawlocr %d pages in %.2f s (%s); Scrapy %d pages (%d requests) in %.2f s, %.1f CPU-s; same pages: %s", ours.pages(),
                ours.seconds(), span(ours), theirs.pages(), theirs.requests(), theirs.seconds(), theirs.cpuSeconds(), same(ours, theirs)));
        notes.add("    CPU-s by process: " + ours.cpu().describeByName());
    }

    void b(Crawl ours, ScrapyPeer.Run theirs) {
        double share = ours.requestsPerSecond() / limit;
        rows.add(new String[] {f("(b) %d hosts, 1 connection each", hosts), f("%.0f requests/s", ours.requestsPerSecond()),
                f("%.0f requests/s", theirs.requestsPerSecond()), f("%.1f%% of %.0f requests/s", 100 * share, limit), verdict(share >= 0.9, ">= 90%"),
                lag(ours)});
        notes.add(f("(b) crawlocr %d pages, %d requests in %.2f s (%.0f pages/s; %s); Scrapy %d pages, %d requests in %.2f s (%.0f pages/s,"
                + " %.1f%% of the limit), %.1f CPU-s; same pages: %s", ours.pages(), ours.requests(), ours.seconds(), ours.pagesPerSecond(),
                span(ours), theirs.pages(), theirs.requests(), theirs.seconds(), theirs.pagesPerSecond(), 100 * theirs.requestsPerSecond() / limit,
                theirs.cpuSeconds(), same(ours, theirs)));
        notes.add("    CPU-s by process: " + ours.cpu().describeByName());
    }

    void c(Crawl b, TesseractBatch.Run batch, Crawl ours) {
        CpuUse bound = b.cpu().plus(batch.cpu());
        double machineBound = bound.machine() / cores;
        double ratio = ours.seconds() / machineBound;
        rows.add(new String[] {"(c) = (b) + images OCR'd", f("wall %.1f s", ours.seconds()), "-", f("%.2fx CPU bound %.1f s", ratio, machineBound),
                verdict(ratio <= 1.3, "<= 1.3x"), lag(ours)});
        notes.add(f("(c) crawlocr %d pages, %d images in %.2f s (%d requests; %s). CPU bound = (CPU-s of (b) + CPU-s of batch tesseract) / %d cores:"
                + " machine busy time (%.1f + %.1f) / %d = %.1f s, used for the target; the processes' own time"
                + " (broker, nodes, nginx serving the sites, this JVM, the crawl database's backends; tesseract) (%.1f + %.1f) / %d = %.1f s, ratio %.2fx",
                ours.pages(), ours.images(), ours.seconds(), ours.requests(), span(ours), cores, b.cpu().machine(), batch.cpu().machine(), cores, machineBound,
                b.cpu().own(), batch.cpu().own(), cores, bound.own() / cores, ours.seconds() / (bound.own() / cores)));
        notes.add(f("    CPU-s over the crawl itself: (b) machine %.1f, processes %.1f; (c) machine %.1f, processes %.1f", b.cpu().machine(),
                b.cpu().own(), ours.cpu().machine(), ours.cpu().own()));
        notes.add("    CPU-s by process in (c): " + ours.cpu().describeByName());
    }

    void print() {
        System.out.printf("%n" + ROW, "case", "crawlocr", "Scrapy", "ratio", "target", "completion lag (target <= 1 s)");
        rows.forEach(r -> System.out.printf(ROW, (Object[]) r));
        System.out.println();
        notes.forEach(System.out::println);
        System.out.println("Times run from publishing the crawl's job to its completion event (CrawlEvent.atMs); Scrapy's from its own stats"
                + " (elapsed_time_seconds, item_scraped_count, downloader/request_count). Requests include robots.txt. The completion lag runs"
                + " from the crawl's last stored row (max stored_at of its pages, images and OCR results) to the event. CPU-seconds come from"
                + " /proc: machine = busy time of all cores in /proc/stat over the interval (everything on the machine counts);"
                + " processes = utime + stime of the processes named.");
    }

    private static String same(Crawl ours, ScrapyPeer.Run theirs) {
        return ours.pages() == theirs.pages() ? "yes (" + ours.pages() + ")" : "NO: crawlocr " + ours.pages() + ", Scrapy " + theirs.pages();
    }

    /** When the sites saw the crawl's first and last request, against its completion event. */
    private static String span(Crawl c) {
        return f("first request at %.2f s, last at %.2f s, event at %.2f s", c.firstRequest(), c.lastRequest(), c.seconds());
    }

    private static String lag(Crawl c) {
        return f("%d ms %s", c.lagMs(), c.lagMs() <= 1000 ? "met" : "NOT met");
    }

    private static String verdict(boolean met, String target) {
        return target + (met ? " met" : " NOT met");
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
