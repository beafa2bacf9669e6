package dev.crawlocr.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.localcluster.DemoSite;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoSiteCommandTest {

    @Test
    void servesTheDemoSiteOnTheGivenAddressWithItsPagesImagesAndRobotsTxt() throws Exception {
        DemoSiteCommand command = new DemoSiteCommand();
        new CommandLine(command).parseArgs("--port", "0", "--pages", "6", "--pages-per-image", "3");
        assertThat(command.bind).isEqualTo("127.0.0.1");

        try (DemoSite site = command.start(); HttpClient http = HttpClient.newHttpClient()) {
            assertThat(site.imageTexts()).hasSize(2);
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(site.baseUrl() + "/page/5.html")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Demo page 5", "../img/3.png", "/private/secret.html");
            HttpResponse<String> robots = http.send(HttpRequest.newBuilder(URI.create(site.baseUrl() + "/robots.txt")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(robots.body()).contains("Disallow: /private/");
            HttpResponse<byte[]> image = http.send(HttpRequest.newBuilder(URI.create(site.baseUrl() + "/img/3.png")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat(image.body()).isNotEmpty();
        }
    }
}
