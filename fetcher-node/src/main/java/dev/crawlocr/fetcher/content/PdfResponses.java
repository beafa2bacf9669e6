package dev.crawlocr.fetcher.content;

import dev.crawlocr.common.message.CrawlScope;
import dev.crawlocr.common.message.RequestSettings;
import dev.crawlocr.fetcher.http.BodyCap;

/**
 * Which responses to a page task are PDF documents, and how much of them a crawl reads. A response is a PDF when it
 * says {@value #PDF} (or {@code application/x-pdf}), or says nothing more specific than
 * {@code application/octet-stream} and starts with {@code %PDF-}. Whether a PDF is well-formed is the analyzer's
 * to find out. Stateless.
 */
public final class PdfResponses {
    /** The content type PDFs are sent to the analyzer with. */
    public static final String PDF = "application/pdf";
    private static final byte[] MAGIC = {'%', 'P', 'D', 'F', '-'};

    /** True when a response with this Content-Type header and body is a PDF. */
    static boolean isPdf(String contentType, byte[] body) {
        String type = RequestSettings.baseType(contentType);
        return declaresPdf(type) || (type == null || isGeneric(type)) && hasMagic(body);
    }

    /**
     * The body cap of a page task of a crawl: the smaller of the crawl's {@code pdfMaxBytes} and
     * {@code imageMaxBytes} (the image topic's record size) for responses that may be PDFs, {@code pageMaxBytes}
     * for the rest; {@code pageMaxBytes} for every response when the crawl does not fetch PDFs.
     */
    public static BodyCap pageCap(CrawlScope scope, long pageMaxBytes, long imageMaxBytes) {
        if (!scope.fetchesPdfs()) {
            return BodyCap.of(pageMaxBytes);
        }
        long pdfCap = pdfCap(scope, imageMaxBytes);
        return contentType -> {
            String type = RequestSettings.baseType(contentType);
            return declaresPdf(type) || type != null && isGeneric(type) ? pdfCap : pageMaxBytes;
        };
    }

    static long pdfCap(CrawlScope scope, long imageMaxBytes) {
        return Math.min(scope.pdfMaxBytes(), imageMaxBytes);
    }

    private static boolean declaresPdf(String type) {
        return PDF.equals(type) || "application/x-pdf".equals(type);
    }

    private static boolean isGeneric(String type) {
        return type.equals("application/octet-stream") || type.equals("binary/octet-stream");
    }

    static boolean hasMagic(byte[] body) {
        int start = 0;
        while (start < body.length && start < 1024 && body[start] != '%') {
            start++; // the PDF specification lets readers accept a header within the first 1024 bytes
        }
        if (body.length - start < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (body[start + i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private PdfResponses() {
    }
}
