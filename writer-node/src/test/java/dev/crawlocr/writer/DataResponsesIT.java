package dev.crawlocr.writer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.crawlocr.common.message.FetchResult;
import dev.crawlocr.common.message.FetchTask;
import dev.crawlocr.common.message.Politeness;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Responses kept as data are stored in pages: the body in text (searchable), a JSON body also in body_json when
 * jsonb can hold it, else a body_note saying why.
 */
class DataResponsesIT {
    private static final String JSON = "{\"name\": \"Lighthouse\", \"keeper\": {\"first\": \"Ingrid\"}, \"lamps\": [3, 4.50], \"tags\": [\"granite\"]}";

    @Test
    void dataBodiesAreStoredAsTextAndJsonBodiesAsJsonbOrWithANote() {
        try (WriterKit kit = new WriterKit()) {
            kit.startWriter();
            WriterKit.Frontier frontier = kit.frontier();
            Map<String, String[]> responses = new LinkedHashMap<>(); // url -> content type, body
            responses.put("http://json.test/item", new String[] {"application/json; charset=utf-8", JSON});
            responses.put("http://problem.test/err", new String[] {"application/problem+json", "{\"title\": \"Quota\", \"status\": 429}"});
            responses.put("http://malformed.test/item", new String[] {"application/json", "{\"name\": \"broken\",}"});
            responses.put("http://cut.test/item", new String[] {"application/json", "{\"items\": [\"alpha\", \"bet"});
            responses.put("http://nulescape.test/item", new String[] {"application/json", "{\"name\": \"nul\\u0000inside\"}"});
            responses.put("http://nulraw.test/notes.txt", new String[] {"text/plain", "before\0after"});
            responses.put("http://csv.test/rows.csv", new String[] {"text/csv", "city,river\nUppsala,Fyris\nTurku,Aura\n"});
            responses.put("http://xml.test/feed.xml", new String[] {"application/xml", "<feed><entry>Marmalade</entry></feed>"});
            responses.put("http://text.test/readme.txt", new String[] {"text/plain", "Plain words about quinces."});
            kit.startCrawl(new Politeness(0, 1, 0, 0, 0, 0, 0), responses.keySet().toArray(String[]::new));
            for (Map.Entry<String, String[]> e : responses.entrySet()) {
                FetchTask task = frontier.await(e.getKey());
                FetchResult data = WriterKit.data(task, e.getValue()[0], e.getValue()[1], e.getKey().startsWith("http://cut.test/"));
                kit.fetched(data);
                kit.fetched(data); // redelivered: still one row
            }
            String ofCrawl = " FROM pages WHERE crawl_id = '" + kit.crawlId + "'";
            await().atMost(30, TimeUnit.SECONDS).until(() -> kit.count("SELECT count(*)" + ofCrawl + " AND status = 'FETCHED'") == responses.size());
            await().atMost(30, TimeUnit.SECONDS).until(() -> kit.strings("SELECT state FROM crawls").equals(List.of("FINISHED")));

            assertThat(kit.strings("SELECT body_json->>'name'" + ofCrawl + " AND url = 'http://json.test/item'")).containsExactly("Lighthouse");
            assertThat(kit.strings("SELECT body_json #>> '{keeper,first}'" + ofCrawl + " AND body_json @> '{\"tags\": [\"granite\"]}'"))
                    .containsExactly("Ingrid");
            assertThat(kit.strings("SELECT (body_json->'lamps'->>1)::numeric * 2" + ofCrawl + " AND url = 'http://json.test/item'"))
                    .containsExactly("9.00");
            assertThat(kit.strings("SELECT body_json->>'status'" + ofCrawl + " AND url = 'http://problem.test/err'")).containsExactly("429");
            for (String url : responses.keySet()) {
                String expected = responses.get(url)[1].replace('\0', '\uFFFD');
                assertThat(kit.strings("SELECT text" + ofCrawl + " AND url = '" + url + "'")).as("text of %s", url).containsExactly(expected);
            }
            Map<String, String> notes = new LinkedHashMap<>();
            for (String row : kit.strings("SELECT url || ' | ' || coalesce(body_note, '-') || ' | ' || (body_json IS NOT NULL)" + ofCrawl + " ORDER BY url")) {
                String[] parts = row.split(" \\| ", 2);
                notes.put(parts[0], parts[1]);
            }
            assertThat(notes).containsExactly(
                    Map.entry("http://csv.test/rows.csv", "- | false"),
                    Map.entry("http://cut.test/item", "cut at the crawl's body cap: not parsed as JSON | false"),
                    Map.entry("http://json.test/item", "- | true"),
                    Map.entry("http://malformed.test/item", "malformed JSON: Unexpected character ('}' (code 125)): was expecting double-quote to start"
                            + " field name | false"),
                    Map.entry("http://nulescape.test/item", "JSON holds \\u0000, which PostgreSQL's jsonb cannot store | false"),
                    Map.entry("http://nulraw.test/notes.txt", "- | false"),
                    Map.entry("http://problem.test/err", "- | true"),
                    Map.entry("http://text.test/readme.txt", "- | false"),
                    Map.entry("http://xml.test/feed.xml", "- | false"));

            assertThat(kit.strings("SELECT url" + ofCrawl + " AND tsv @@ crawlocr_query('Ingrid')")).containsExactly("http://json.test/item");
            assertThat(kit.strings("SELECT url" + ofCrawl + " AND tsv @@ crawlocr_query('Fyris')")).containsExactly("http://csv.test/rows.csv");
            assertThat(kit.strings("SELECT url" + ofCrawl + " AND tsv @@ crawlocr_query('marmalade')")).containsExactly("http://xml.test/feed.xml");
        }
    }
}
