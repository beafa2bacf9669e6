package dev.crawlocr.analyzer.image;

/**
 * An 8-bit gray image ready for the engine, and how it maps back to the original.
 *
 * @param gray    row-major pixels, 0 black to 255 white, dark text on a light background
 * @param cropX   left edge of the region of the original that was kept (margins without ink are cut)
 * @param cropY   top edge of that region
 * @param scale   factor the region was scaled by (1 = not scaled)
 * @param border  white pixels added on every side, after scaling
 */
public record PreparedImage(byte[] gray, int width, int height, int cropX, int cropY, double scale, int border) {

    /** Maps an x coordinate of this image back to the original image's pixels. */
    public int toOriginalX(int x) {
        return cropX + (int) Math.round(Math.max(0, x - border) / scale);
    }

    /** Maps a y coordinate of this image back to the original image's pixels. */
    public int toOriginalY(int y) {
        return cropY + (int) Math.round(Math.max(0, y - border) / scale);
    }
}
