package dev.crawlocr.analyzer.image;

/**
 * An 8-bit gray image ready for the engine, and how it maps back to the original.
 *
 * @param gray   row-major pixels, 0 black to 255 white, dark text on a light background
 * @param scale  factor the original was scaled by (1 = not scaled)
 * @param border white pixels added on every side, after scaling
 */
public record PreparedImage(byte[] gray, int width, int height, double scale, int border) {

    /** Maps an x or y coordinate of this image back to the original image's pixels. */
    public int toOriginal(int coordinate) {
        return (int) Math.round(Math.max(0, coordinate - border) / scale);
    }

    /** Maps a length (width or height) of this image back to the original's pixels. */
    public int lengthToOriginal(int length) {
        return (int) Math.round(length / scale);
    }
}
