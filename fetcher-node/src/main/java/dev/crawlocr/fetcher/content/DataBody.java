package dev.crawlocr.fetcher.content;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The text of a response kept as data: its body decoded with the charset its Content-Type names ({@code charset=};
 * UTF-8 when absent or unknown), malformed or unmappable bytes replaced by U+FFFD, a leading byte order mark dropped,
 * and at most {@code maxBytes} bytes of it, cut on a character boundary.
 *
 * @param text the decoded text
 * @param cut  true when bytes of the body were left out: it was longer than {@code maxBytes}, or it arrived cut
 */
record DataBody(String text, boolean cut) {

    /** @param arrivedCut true when the body is already cut (the fetcher's read cap): its last character may be partial */
    static DataBody decode(byte[] body, boolean arrivedCut, String contentType, long maxBytes) {
        boolean cut = arrivedCut || body.length > maxBytes;
        int length = (int) Math.min(body.length, maxBytes);
        CharsetDecoder decoder = charset(contentType).newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer in = ByteBuffer.wrap(body, 0, length);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil(length * (double) decoder.maxCharsPerByte()) + 4);
        // Not at the end of input when cut: the bytes of a character that was cut through stay undecoded.
        decoder.decode(in, out, !cut);
        if (!cut) {
            decoder.flush(out);
        }
        out.flip();
        if (out.hasRemaining() && out.charAt(0) == '\uFEFF') {
            out.position(1);
        }
        return new DataBody(out.toString(), cut);
    }

    /** The charset a Content-Type's {@code charset=} parameter names; UTF-8 when there is none or it is unknown. */
    static Charset charset(String contentType) {
        if (contentType != null) {
            String[] parts = contentType.split(";");
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("charset")) {
                    String name = p.substring(eq + 1).trim().replace("\"", "").replace("'", "");
                    try {
                        return Charset.forName(name);
                    } catch (IllegalArgumentException e) { // an illegal or unsupported name
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }
}
