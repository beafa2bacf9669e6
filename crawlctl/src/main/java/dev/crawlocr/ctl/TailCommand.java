package dev.crawlocr.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.crawlocr.common.Topics;
import dev.crawlocr.common.kafka.TopicReader;
import dev.crawlocr.common.message.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code crawlctl tail TOPIC}: prints records with partition, offset, key and time. Image records show their
 * metadata and size, never their bytes; dead letters show their error headers.
 */
@Command(name = "tail", description = "Print records of a topic (jobs, discovered, frontier, pages, images, ocr, events, deadletter).")
final class TailCommand implements Callable<Integer> {
    @ParentCommand
    Crawlctl root;

    @Parameters(paramLabel = "TOPIC", description = "A topic name or its short form, e.g. pages or crawl.pages")
    String topic;
    @Option(names = "--from-beginning", description = "Start at the oldest record (default: the last --last per partition)")
    boolean fromBeginning;
    @Option(names = "--last", defaultValue = "10", description = "Records per partition shown before the end (default ${DEFAULT-VALUE})")
    int last;
    @Option(names = {"-f", "--follow"}, description = "Keep printing new records")
    boolean follow;
    @Option(names = "--key", description = "Only records with this key")
    String key;
    @Option(names = "--grep", description = "Only records whose key, headers or value match this regex")
    Pattern grep;
    @Option(names = "--json", description = "One JSON object per record")
    boolean json;
    @Option(names = "--max", defaultValue = "0", description = "Stop after this many records, 0 = no limit")
    long max;

    private long printed;

    @Override
    public Integer call() {
        String name = resolve(topic);
        Kafka.ready(root.kafkaConfig());
        try (TopicReader reader = Kafka.reader(root.kafkaConfig(), name)) {
            if (!fromBeginning) {
                reader.seekToLast(last);
            }
            Consumer<ConsumerRecord<byte[], byte[]>> print = r -> print(r, reader);
            if (follow) {
                reader.follow(print, null);
            } else {
                reader.readToEnd(null, print);
            }
        }
        return 0;
    }

    private void print(ConsumerRecord<byte[], byte[]> r, TopicReader reader) {
        if (matches(r)) {
            System.out.println(json ? asJson(r) : pretty(r));
            if (max > 0 && ++printed >= max) {
                reader.stop();
            }
        }
    }

    static String resolve(String topic) {
        if (Topics.ALL.contains(topic)) {
            return topic;
        }
        String full = "crawl." + topic.replace("dead-letter", "deadletter").replace("dlq", "deadletter");
        if (Topics.ALL.contains(full)) {
            return full;
        }
        throw new UserError("Unknown topic '" + topic + "'. Topics: " + String.join(", ", Topics.ALL));
    }

    private boolean matches(ConsumerRecord<byte[], byte[]> r) {
        if (key != null && !key.equals(text(r.key()))) {
            return false;
        }
        if (grep == null) {
            return true;
        }
        StringBuilder all = new StringBuilder(String.valueOf(text(r.key())));
        for (Header h : r.headers()) {
            all.append(' ').append(h.key()).append('=').append(text(h.value()));
        }
        if (!isBinary(r)) {
            all.append(' ').append(text(r.value()));
        }
        return grep.matcher(all).find();
    }

    private static boolean isBinary(ConsumerRecord<byte[], byte[]> r) {
        return r.topic().equals(Topics.IMAGES) || r.topic().equals(Topics.DEAD_LETTER) && "crawl.images".equals(header(r, "dlq.topic"));
    }

    private static String pretty(ConsumerRecord<byte[], byte[]> r) {
        StringBuilder b = new StringBuilder();
        b.append("── ").append(r.topic()).append(" p").append(r.partition()).append(" @").append(r.offset())
                .append("  ").append(Instant.ofEpochMilli(r.timestamp())).append("  key=").append(text(r.key())).append('\n');
        for (Header h : r.headers()) {
            b.append("   ").append(h.key()).append(": ").append(text(h.value())).append('\n');
        }
        if (r.value() == null) {
            b.append("   (tombstone)");
        } else if (isBinary(r)) {
            b.append("   <").append(r.value().length).append(" bytes of image data>");
        } else {
            try {
                JsonNode node = Json.mapper().readTree(r.value());
                b.append(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node).indent(3).stripTrailing());
            } catch (IOException e) {
                b.append("   (not JSON) ").append(abbreviate(text(r.value()), 500));
            }
        }
        return b.toString();
    }

    private static String asJson(ConsumerRecord<byte[], byte[]> r) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset())
                .put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString()).put("key", text(r.key()));
        ObjectNode headers = o.putObject("headers");
        for (Header h : r.headers()) {
            headers.put(h.key(), text(h.value()));
        }
        if (r.value() == null) {
            o.putNull("value");
        } else if (isBinary(r)) {
            o.put("valueBytes", r.value().length);
        } else {
            try {
                o.set("value", Json.mapper().readTree(r.value()));
            } catch (IOException e) {
                o.put("valueText", abbreviate(text(r.value()), 2000));
            }
        }
        return o.toString();
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : text(h.value());
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
