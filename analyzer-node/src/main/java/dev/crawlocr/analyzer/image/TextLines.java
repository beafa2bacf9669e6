package dev.crawlocr.analyzer.image;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds the text in a gray image of dark text on a light background. Ink levels are relative to the background, so
 * text in any shade counts, down to {@link Grayscale#STANDS_OUT} below it. The height of text lines comes from a
 * horizontal projection: rows holding ink form runs, one per line of text, separated by blank rows. Stateless.
 *
 * @param background the median level, which text images are mostly made of
 * @param anyInk     levels below this are ink of some shade: the box kept around the text includes every such pixel
 * @param coreInk    levels below this are the core of strokes, halfway between background and the typical ink, so
 *                   anti-aliased edges do not merge lines
 */
record TextLines(int background, int anyInk, int coreInk) {

    /** @param histogram the image's histogram ({@link Grayscale#histogram}) of {@code pixels} pixels */
    static TextLines of(int[] histogram, long pixels) {
        int background = Grayscale.percentile(histogram, pixels, 0.5);
        int anyInk = Math.max(1, background - Grayscale.STANDS_OUT);
        long inkPixels = 0;
        for (int v = 0; v < anyInk; v++) {
            inkPixels += histogram[v];
        }
        int typicalInk = inkPixels == 0 ? 0 : Grayscale.percentile(histogram, inkPixels, 0.5);
        return new TextLines(background, anyInk, (background + typicalInk + 1) / 2);
    }

    /** Median height in pixels of the runs of rows holding ink, ignoring runs under 3 pixels; 0 when there are none. */
    int medianLineHeight(byte[] gray, int w, int h) {
        int minInk = Math.max(1, w / 500);
        List<Integer> runs = new ArrayList<>();
        int run = 0;
        for (int y = 0; y < h; y++) {
            int ink = 0;
            int base = y * w;
            for (int x = 0; x < w && ink < minInk; x++) {
                if ((gray[base + x] & 0xff) < coreInk) {
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
    int[] inkBox(byte[] gray, int w, int h, int margin) {
        int minX = w, minY = h, maxX = -1, maxY = -1;
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < w; x++) {
                if ((gray[base + x] & 0xff) < anyInk) {
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
}
