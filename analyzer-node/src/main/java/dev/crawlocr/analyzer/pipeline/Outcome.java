package dev.crawlocr.analyzer.pipeline;

import dev.crawlocr.common.message.OcrResult;

/**
 * The result for one image record and, when it failed, why.
 *
 * @param reason   null when OK; otherwise a short stable code ({@code timeout}, {@code corrupt_image}, ...)
 * @param attempts how many times the image was tried
 * @param cached   true when the analysis came from the cache and no OCR ran
 */
public record Outcome(OcrResult result, String reason, int attempts, boolean cached) {
    public boolean failed() {
        return result.status() == OcrResult.Status.FAILED;
    }
}
