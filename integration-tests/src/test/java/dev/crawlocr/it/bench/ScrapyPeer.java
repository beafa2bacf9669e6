package dev.crawlocr.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crawlocr.devkit.Bench;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scrapy (Debian's python3-scrapy) crawling the same sites with {@code bench/crawl_spider.py}: every link followed
 * on the seeds' hosts, robots.txt obeyed, no depth limit, one item per page. Figures come from Scrapy's own stats.
 */
final class ScrapyPeer {
    /** Where Debian's python3-scrapy is importable; another python3 on PATH (pyenv, say) may not have it. */
    static final String PYTHON = "/usr/bin/python3";

    /** Pages (items), HTTP requests (robots.txt included) and seconds from spider open to close, as Scrapy counts them. */
    record Run(long pages, long requests, double seconds, double cpuSeconds) {
        double pagesPerSecond() {
            return pages / seconds;
        }

        double requestsPerSecond() {
            return requests / seconds;
        }
    }

    private final Path work;

    ScrapyPeer(Path work) {
        this.work = work;
    }

    static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(PYTHON, "-c", "import scrapy; print(scrapy.__version__)").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("Scrapy is not installed for " + PYTHON + " (apt-get install python3-scrapy): " + out);
        }
        return out;
    }

    /** Crawls from {@code seeds} with these Scrapy settings; {@code name} names the stats and log files. */
    Run crawl(String name, List<String> seeds, Map<String, String> settings) throws IOException, InterruptedException {
        Path spider = work.resolve("crawl_spider.py");
        try (InputStream in = ScrapyPeer.class.getResourceAsStream("/bench/crawl_spider.py")) {
            Files.copy(in, spider, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path stats = work.resolve("scrapy-" + name + ".json");
        Path log = work.resolve("scrapy-" + name + ".log");
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-m", "scrapy", "runspider", spider.toString(),
                "-a", "seeds=" + String.join(",", seeds), "-a", "stats=" + stats,
                "-s", "ROBOTSTXT_OBEY=True", "-s", "DEPTH_LIMIT=0", "-s", "TELNETCONSOLE_ENABLED=False",
                "-s", "LOG_LEVEL=INFO", "-s", "LOG_FILE=" + log));
        settings.forEach((k, v) -> cmd.addAll(List.of("-s", k + "=" + v)));
        System.out.println("Scrapy settings for (" + name + "): " + new java.util.TreeMap<>(settings) + ", ROBOTSTXT_OBEY=True, DEPTH_LIMIT=0 (none)");
        long cpu0 = Bench.childrenCpuTicks();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("scrapy-" + name + ".out").toFile()).start();
        if (p.waitFor() != 0 || !Files.exists(stats)) {
            throw new IllegalStateException("Scrapy failed (exit " + p.exitValue() + "); see " + log);
        }
        double cpu = (Bench.childrenCpuTicks() - cpu0) / 100.0;
        JsonNode s = new ObjectMapper().readTree(stats.toFile());
        return new Run(s.path("item_scraped_count").asLong(), s.path("downloader/request_count").asLong(),
                s.path("elapsed_time_seconds").asDouble(), cpu);
    }
}
