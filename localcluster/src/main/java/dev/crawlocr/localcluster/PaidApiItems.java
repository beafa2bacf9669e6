package dev.crawlocr.localcluster;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bodies {@link PaidApi} serves: item {@code n} as JSON, CSV, XML or text, a truncated JSON document, robots.txt
 * and error bodies. Every body is a function of its path alone, so a test knows what a crawl should have stored.
 */
final class PaidApiItems {
    private static final String[] TAGS = {
        "harbor", "silver", "market", "garden", "window", "purple", "canvas", "rocket", "forest", "bridge", "copper",
    };
    private static final Pattern ITEM = Pattern.compile("/(items|broken)/(0|[1-9][0-9]{0,17})(\\.csv|\\.xml|\\.txt)?");

    static final String ROBOTS = "User-agent: *\nDisallow: /\n";

    /** A status, a content type and a body. */
    record Body(int status, String contentType, String text) {
    }

    private PaidApiItems() {
    }

    /** What {@code path} (raw, without the query) answers with a valid token and within the contract. */
    static Body forPath(String path) {
        if (path.equals("/robots.txt")) {
            return new Body(200, "text/plain; charset=utf-8", ROBOTS);
        }
        Matcher m = ITEM.matcher(path);
        if (!m.matches() || (m.group(1).equals("broken") && m.group(3) != null)) {
            return error(404, "not found", path);
        }
        long n = Long.parseLong(m.group(2));
        if (m.group(1).equals("broken")) {
            String whole = json(n);
            return new Body(200, "application/json", whole.substring(0, whole.indexOf("\"tags\"") + 10)); // ends inside the array
        }
        String extension = m.group(3) == null ? "" : m.group(3);
        return switch (extension) {
            case ".csv" -> new Body(200, "text/csv; charset=utf-8", "id,name,price,tags\n" + n + ",item-" + n + "," + price(n) + ","
                    + tag(n, 0) + ";" + tag(n, 1) + "\n");
            case ".xml" -> new Body(200, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<item id=\"" + n + "\"><name>item-" + n
                    + "</name><price>" + price(n) + "</price><tags><tag>" + tag(n, 0) + "</tag><tag>" + tag(n, 1) + "</tag></tags></item>\n");
            case ".txt" -> new Body(200, "text/plain; charset=utf-8", "item-" + n + " costs " + price(n) + " and is tagged " + tag(n, 0)
                    + " and " + tag(n, 1) + ".\n");
            default -> new Body(200, "application/json", json(n));
        };
    }

    /** Item {@code n} as JSON: {@code {"id": n, "name": "item-n", "price": ..., "tags": [...]}}. */
    static String json(long n) {
        return "{\"id\": " + n + ", \"name\": \"item-" + n + "\", \"price\": " + price(n) + ", \"tags\": [\"" + tag(n, 0) + "\", \""
                + tag(n, 1) + "\"]}";
    }

    /** Item {@code n}'s price: a decimal with two places between 1.00 and 999.99. */
    static String price(long n) {
        long cents = 100 + Math.floorMod(n * 7919, 99_900L);
        return cents / 100 + "." + (cents % 100 < 10 ? "0" : "") + cents % 100;
    }

    /** Item {@code n}'s first or second tag; the two always differ. */
    private static String tag(long n, int which) {
        long i = which == 0 ? n : n + 1 + Math.floorMod(n, (long) TAGS.length - 1);
        return TAGS[(int) Math.floorMod(i, (long) TAGS.length)];
    }

    static Body error(int status, String message, String path) {
        return new Body(status, "application/json", "{\"error\": \"" + message + "\", \"path\": \"" + escape(path) + "\"}");
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
