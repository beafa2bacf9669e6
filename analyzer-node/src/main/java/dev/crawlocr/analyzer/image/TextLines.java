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

    /**
     * The smallest box holding every ink pixel, grown by {@code margin} on each side and clipped to the image, as
     * {x, y, width, height}; null when the image has no ink.
     */
    static int[] inkBox(byte[] gray, int w, int h, int margin) {
        int minX = w, minY = h, maxX = -1, maxY = -1;
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < w; x++) {
                if ((gray[base + x] & 0xff) < INK) {
                    if (x < minX) {
                        minX = x;
                    }
                    if (x > maxX) {
                        maxX = x;
                    }
                    if (y < minY) {
                        minY = y;
                    }
                    maxY = y;
                }
            }
        }
        if (maxX < 0) {
            return null;
        }
        int x0 = Math.max(0, minX - margin);
        int y0 = Math.max(0, minY - margin);
        int x1 = Math.min(w - 1, maxX + margin);
        int y1 = Math.min(h - 1, maxY + margin);
        return new int[] {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    }

    private TextLines() {
    }
}
