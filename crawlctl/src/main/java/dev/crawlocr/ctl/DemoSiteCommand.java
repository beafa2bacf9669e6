package dev.crawlocr.ctl;

import dev.crawlocr.localcluster.DemoSite;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crawlctl demo-site}: serves the demo site {@code crawlctl demo} crawls, {@link DemoSite}, until the process
 * is stopped, for nodes that run elsewhere to crawl: the compose file's "demo" service runs it. Its pages link as a
 * tree from {@code /page/0.html}, one PNG with known text is shown per {@code --pages-per-image} pages, and its
 * robots.txt disallows {@code /private/}, which every page links.
 */
@Command(name = "demo-site", description = "Serve the generated demo site until stopped, for a crawl by nodes elsewhere.")
final class DemoSiteCommand implements Callable<Integer> {
    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface)")
    String bind;
    @Option(names = "--port", defaultValue = "8000", description = "Port to listen on, 0 for a free one (default ${DEFAULT-VALUE})")
    int port;
    @Option(names = "--pages", defaultValue = "24", description = "Pages of the site (default ${DEFAULT-VALUE})")
    int pages;
    @Option(names = "--pages-per-image", defaultValue = "2", description = "One image per this many pages (default ${DEFAULT-VALUE})")
    int pagesPerImage;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of the images' text (default ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws InterruptedException {
        DemoSite site = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            site.close();
            stopped.countDown();
        }, "demo-site-stop"));
        stopped.await();
        return 0;
    }

    /** Starts serving and says where: the bound address and port, and how many pages and images there are. */
    DemoSite start() {
        DemoSite site = DemoSite.start(bind, port, pages, pagesPerImage, seed);
        System.out.printf("demo site on %s: %d pages, %d images; crawl it from /page/0.html%n",
                site.baseUrl().substring("http://".length()), pages, site.imageTexts().size());
        System.out.flush();
        return site;
    }
}
