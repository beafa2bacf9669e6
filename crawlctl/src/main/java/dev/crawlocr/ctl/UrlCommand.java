package dev.crawlocr.ctl;

import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code crawlctl url URL}: one URL's history: where it was found, its fetch outcomes, its images and their OCR. */
@Command(name = "url", description = "Show one URL's history: discovered from where, fetch outcome, images, OCR outcome.")
final class UrlCommand implements Callable<Integer> {
    @ParentCommand
    Crawlctl root;
    @Parameters(paramLabel = "URL")
    String url;
    @Option(names = "--crawl", description = "Only this crawl")
    String crawl;

    @Override
    public Integer call() throws Exception {
        String normalized = UrlHistory.normalize(url)
                .orElseThrow(() -> new UserError("Invalid URL '" + url + "': give an absolute http:// or https:// URL"));
        List<UrlHistory.Section> history;
        try (Connection db = root.db()) {
            history = UrlHistory.of(db, normalized, crawl);
        }
        if (history.isEmpty()) {
            throw new UserError("No crawl has seen " + normalized + (crawl == null ? "" : " in crawl " + crawl));
        }
        for (UrlHistory.Section section : history) {
            System.out.println(section.title());
            for (var row : section.rows()) {
                row.forEach((label, v) -> System.out.printf("  %-17s %s%n", label, v.toString().replaceAll("\\s+", " ")));
                System.out.println();
            }
        }
        return 0;
    }
}
