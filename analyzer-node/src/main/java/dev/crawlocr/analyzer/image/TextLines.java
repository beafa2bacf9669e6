package dev.crawlocr.analyzer.image;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Estimates the height of text lines from a horizontal projection: rows holding dark (ink) pixels form runs, one
 * per line of text, separated by blank rows. Stateless.
 */
final class TextLines {
    /** Ink is darker than this on the 0-255 scale, after dark backgrounds were inverted. */
    private static final int INK = 128;

    /** Median height in pixels of the runs of rows holding ink, ignoring runs under 3 pixels; 0 when there are none. */
    static int medianLineHeight(byte[] gray, int w, int h) {
        int minInk = Math.max(1, w / 500);
        List<Integer> runs = new ArrayList<>();
        int run = 0;
        for (int y = 0; y < h; y++) {
            int ink = 0;
            int base = y * w;
            for (int x = 0; x < w && ink < minInk; x++) {
                if ((gray[base + x] & 0xff) < INK) {
                    ink++;
                }
            }
            if (ink >= minInk) {
                run++;
            } else {
                if (run >= 3) {
                    runs.add(run);
                }
                run = 0;
            }
        }
        if (run >= 3) {
            runs.add(run);
        }
        if (runs.isEmpty()) {
            return 0;
        }
        Collections.sort(runs);
        return runs.get(runs.size() / 2);
    }

    private TextLines() {
    }
}
