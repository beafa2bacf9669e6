package dev.crawlocr.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapesTextAndAttributeCharacters() {
        assertThat(Html.escape("<script>alert(1)</script>")).isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(Html.escape("\"><img src=x onerror=alert(1)>")).isEqualTo("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
        assertThat(Html.escape("a & b's")).isEqualTo("a &amp; b&#39;s");
        assertThat(Html.escape(null)).isEmpty();
    }

    @Test
    void linksOnlyWebUrls() {
        assertThat(Html.link("http://a.example/?q=\"x\"", "a")).isEqualTo("<a href=\"http://a.example/?q=&quot;x&quot;\" rel=\"noreferrer noopener\">a</a>");
        assertThat(Html.link("HTTPS://a.example/", "b")).startsWith("<a href=");
        assertThat(Html.link("javascript:alert(1)", "javascript:alert(1)")).isEqualTo("javascript:alert(1)");
        assertThat(Html.link(" javascript:alert(1)", "<x>")).isEqualTo("&lt;x&gt;");
        assertThat(Html.link("data:text/html,<script>", "d")).isEqualTo("d");
        assertThat(Html.link(null, "n")).isEqualTo("n");
    }

    @Test
    void highlightsMarkedWordsInAnEscapedSnippet() {
        String snippet = "a <b> " + SearchCommand.START + "word" + SearchCommand.STOP + " c";
        assertThat(ConsolePages.highlight(snippet)).isEqualTo("a &lt;b&gt; <mark>word</mark> c");
    }

    @Test
    void readsFormsAndQueries() {
        assertThat(ConsoleServer.form("q=a+b%26c&u=http%3A%2F%2Fx%2F&q=second")).containsEntry("q", "a b&c").containsEntry("u", "http://x/");
        assertThat(ConsoleServer.form(null)).isEmpty();
    }
}
