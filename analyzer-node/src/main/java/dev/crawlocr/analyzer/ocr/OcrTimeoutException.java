package dev.crawlocr.analyzer.ocr;

/** Decoding or recognising one image took longer than the watchdog allows. */
public class OcrTimeoutException extends RuntimeException {
    public OcrTimeoutException(String message) {
        super(message);
    }
}
