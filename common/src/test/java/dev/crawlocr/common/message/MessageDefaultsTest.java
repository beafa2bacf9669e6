package dev.crawlocr.common.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crawlocr.common.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of every message, at every depth, left out one at a time from a complete example
 * ({@code src/test/resources/messages/<Type>.json}): either it is required and the error names it, or the record
 * read equals the example with that field set to its default, which is the field's value in the owning record's
 * {@code defaults()} or, for records without one, what the compact constructor makes of null (0, false).
 */
class MessageDefaultsTest {

    private static final ObjectMapper MAPPER = Json.mapper();

    /**
     * The fields with no default, as paths from the message (a list element's fields under the list's name). A
     * job's seeds are required only without a URL list, which the example has (see the test of that below).
     */
    private static final Map<Class<?>, Set<String>> REQUIRED = Map.of(
            CrawlJob.class, Set.of("schema", "crawlId", "state", "createdAt"),
            DiscoveredUrls.class, Set.of("schema", "crawlId", "host", "urls.url", "urls.kind"),
            FetchTask.class, Set.of("schema", "crawlId", "url", "host", "kind", "attempt"),
            FetchResult.class, Set.of("schema", "crawlId", "url", "kind", "status", "sitemaps.url", "sitemaps.status"),
            OcrResult.class, Set.of("schema", "crawlId", "contentHash", "status", "pages.number", "pages.source"),
            CrawlEvent.class, Set.of("schema", "crawlId", "type"));

    /** One field of the example: where it is, and the record that declares it. */
    private record Field(List<Object> path, Class<?> owner, String name) {
        String spec() {
            return path.stream().filter(String.class::isInstance).map(String.class::cast).collect(Collectors.joining("."));
        }
    }

    static Stream<Class<?>> messages() {
        return Stream.of(CrawlJob.class, DiscoveredUrls.class, FetchTask.class, FetchResult.class, OcrResult.class, CrawlEvent.class);
    }

    @ParameterizedTest
    @MethodSource("messages")
    void eachAbsentFieldTakesItsDefaultOrIsNamedAsRequired(Class<?> type) throws IOException {
        JsonNode full = example(type);
        assertThat(MAPPER.readTree(Json.encode(decode(full, type)))).as("the example sets every field of " + type.getSimpleName())
                .isEqualTo(full);
        List<Field> fields = new ArrayList<>();
        collect(full, type, List.of(), fields);
        Set<String> seenRequired = new HashSet<>();
        SoftAssertions softly = new SoftAssertions();
        for (Field field : fields) {
            JsonNode without = edit(full, field, null);
            if (REQUIRED.get(type).contains(field.spec())) {
                seenRequired.add(field.spec());
                softly.assertThatThrownBy(() -> decode(without, type)).as(field.spec())
                        .isInstanceOf(BadRecordException.class).hasMessageFindingMatch("\\b" + field.name() + "\\b");
            } else {
                softly.assertThat(read(without, type)).as(field.spec()).isEqualTo(read(edit(full, field, defaultOf(field)), type));
            }
        }
        softly.assertThat(seenRequired).as("required fields found in the example").isEqualTo(REQUIRED.get(type));
        softly.assertAll();
    }

    @Test
    void eachAbsentImageHeaderTakesItsDefaultOrIsNamedAsRequired() {
        ImageMeta full = new ImageMeta(ImageMeta.SCHEMA, "c-full", "http://a.example/img/logo.png", "9f86d0", "image/png");
        Map<String, String> requiredNames = Map.of("schema", "schema", "crawl-id", "crawlId", "url", "url");
        for (Header header : full.toHeaders()) {
            Headers without = full.toHeaders().remove(header.key());
            if (requiredNames.containsKey(header.key())) {
                assertThatThrownBy(() -> ImageMeta.fromHeaders(without, full.contentHash())).as(header.key())
                        .hasMessageFindingMatch("\\b" + requiredNames.get(header.key()) + "\\b");
            } else {
                assertThat(ImageMeta.fromHeaders(without, full.contentHash())).as(header.key())
                        .isEqualTo(new ImageMeta(full.schema(), full.crawlId(), full.url(), full.contentHash(), null));
            }
        }
        assertThatThrownBy(() -> ImageMeta.fromHeaders(full.toHeaders(), null)).hasMessageContaining("'contentHash'");
    }

    /** The README's kcat example: a job whose politeness object sets only the delay. */
    @Test
    void theReadmeKcatExampleStartsACrawlWithAPartialPolitenessObject() throws IOException {
        Path readme = Path.of("..", "README.md");
        assertThat(readme).as("the README beside the common module").exists();
        Matcher m = Pattern.compile("echo '([^|']*)\\|([^']*)' \\\\\\s*\\| kcat [^\\n]*-t (\\S+)").matcher(Files.readString(readme));
        Map<String, String> values = new HashMap<>();
        while (m.find()) {
            values.put(m.group(3), m.group(2));
        }
        assertThat(values).containsKeys(Topics.JOBS, Topics.DISCOVERED);

        assertThat(MAPPER.readTree(values.get(Topics.JOBS)).get("politeness")).isEqualTo(MAPPER.readTree("{\"minDelayMs\":0}"));
        CrawlJob job = Json.decode(values.get(Topics.JOBS).getBytes(StandardCharsets.UTF_8), CrawlJob.class);
        Politeness d = Politeness.defaults();
        assertThat(job.politeness()).isEqualTo(new Politeness(0, d.maxConnectionsPerHost(), d.maxRequestsPerHostPerMinute(),
                d.maxRequestsTotal(), d.recrawlIntervalSeconds(), 0, 0));
        assertThat(job.scope()).isEqualTo(CrawlScope.defaults());
        assertThat(job.ocr()).isEqualTo(OcrSettings.defaults());

        DiscoveredUrls seeds = Json.decode(values.get(Topics.DISCOVERED).getBytes(StandardCharsets.UTF_8), DiscoveredUrls.class);
        assertThat(seeds.urls()).extracting(DiscoveredUrls.Link::url).isEqualTo(job.seeds());
    }

    @Test
    void aJobNeedsSeedsUnlessItsUrlsComeAsAList() {
        String list = "{\"schema\":1,\"crawlId\":\"c\",\"state\":\"RUNNING\",\"listRecords\":-1,\"createdAt\":\"2026-11-22T00:00:00Z\"}";
        assertThat(Json.decode(list.getBytes(StandardCharsets.UTF_8), CrawlJob.class).seeds()).isEmpty();
        String none = list.replace("\"listRecords\":-1,", "");
        assertThatThrownBy(() -> Json.decode(none.getBytes(StandardCharsets.UTF_8), CrawlJob.class))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("'seeds'");
    }

    @Test
    void aPartialPolitenessObjectWithTheShortDelayNameKeepsTheOtherDefaults() {
        CrawlJob job = Json.decode(("{\"schema\":1,\"crawlId\":\"c\",\"state\":\"RUNNING\",\"seeds\":[\"http://a.example/\"],"
                + "\"politeness\":{\"delayMs\":0},\"createdAt\":\"2026-11-22T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8), CrawlJob.class);
        assertThat(job.politeness()).isEqualTo(new Politeness(0, 1, 0, 0, 0, 0, 0));
    }

    /** Adds every field of {@code node} (a value of {@code type}) to {@code out}, and those of the records inside it. */
    /** Records written before discovery was recorded: seeds (no source page) were seeds, everything else a link. */
    @Test
    void discoveredUrlsWithoutViaAreSeedsWithoutASourcePageAndLinksWithOne() {
        String seeds = "{\"schema\":1,\"crawlId\":\"c\",\"host\":\"a.example\",\"urls\":[{\"url\":\"http://a.example/\",\"kind\":\"PAGE\"}]}";
        String links = seeds.replace("\"urls\"", "\"sourceUrl\":\"http://a.example/\",\"urls\"");
        assertThat(Json.decode(seeds.getBytes(StandardCharsets.UTF_8), DiscoveredUrls.class).via()).isEqualTo(Discovery.SEED);
        assertThat(Json.decode(links.getBytes(StandardCharsets.UTF_8), DiscoveredUrls.class).via()).isEqualTo(Discovery.LINK);
        CrawlJob old = Json.decode(("{\"schema\":1,\"crawlId\":\"c\",\"state\":\"RUNNING\",\"seeds\":[\"http://a.example/\"],"
                + "\"scope\":{\"maxDepth\":2},\"createdAt\":\"2026-11-22T00:00:00Z\"}").getBytes(StandardCharsets.UTF_8), CrawlJob.class);
        assertThat(old.scope().sitemaps()).isTrue();
        assertThat(old.scope().readsSitemaps()).isTrue();
    }

    private static void collect(JsonNode node, Type type, List<Object> path, List<Field> out) {
        Class<?> raw = raw(type);
        if (raw.isRecord()) {
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                List<Object> at = append(path, property.getKey());
                out.add(new Field(at, raw, property.getKey()));
                collect(property.getValue(), component(raw, property.getKey()).getGenericType(), at, out);
            }
        } else if (List.class.isAssignableFrom(raw)) {
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), element, append(path, i), out);
            }
        }
    }

    /** The field's default as JSON; null stands for "absent" in records whose constructors supply the default. */
    private static JsonNode defaultOf(Field field) throws IOException {
        Object defaults = RecordDefaults.defaultsOf(field.owner());
        if (defaults == null) {
            return NullNode.instance;
        }
        try {
            return MAPPER.valueToTree(component(field.owner(), field.name()).getAccessor().invoke(defaults));
        } catch (ReflectiveOperationException e) {
            throw new IOException(e);
        }
    }

    /** A copy of {@code full} with the field set to {@code value}, or left out when that is null. */
    private static JsonNode edit(JsonNode full, Field field, JsonNode value) {
        JsonNode copy = full.deepCopy();
        JsonNode parent = copy;
        for (Object step : field.path().subList(0, field.path().size() - 1)) {
            parent = step instanceof Integer i ? parent.get(i) : parent.get((String) step);
        }
        if (value == null) {
            ((ObjectNode) parent).remove(field.name());
        } else {
            ((ObjectNode) parent).set(field.name(), value);
        }
        return copy;
    }

    private static Object decode(JsonNode node, Class<?> type) throws IOException {
        return Json.decode(MAPPER.writeValueAsBytes(node), type);
    }

    /** The record, or the reason it cannot be read, so that a comparison shows it. */
    private static Object read(JsonNode node, Class<?> type) throws IOException {
        try {
            return decode(node, type);
        } catch (BadRecordException e) {
            return e.getMessage();
        }
    }

    private static JsonNode example(Class<?> type) throws IOException {
        try (InputStream in = MessageDefaultsTest.class.getResourceAsStream("/messages/" + type.getSimpleName() + ".json")) {
            assertThat(in).as("example of " + type.getSimpleName()).isNotNull();
            return MAPPER.readTree(in);
        }
    }

    private static RecordComponent component(Class<?> record, String name) {
        return Stream.of(record.getRecordComponents()).filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(record.getSimpleName() + " has no field " + name));
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static List<Object> append(List<Object> path, Object step) {
        List<Object> longer = new ArrayList<>(path);
        longer.add(step);
        return longer;
    }
}
