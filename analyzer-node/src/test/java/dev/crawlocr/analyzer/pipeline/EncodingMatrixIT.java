package dev.crawlocr.analyzer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.crawlocr.analyzer.CliTesseract;
import dev.crawlocr.analyzer.EncodingMatrix;
import dev.crawlocr.analyzer.EncodingMatrix.Sample;
import dev.crawlocr.common.Hashes;
import dev.crawlocr.common.message.ImageMeta;
import dev.crawlocr.common.message.OcrResult;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.devkit.ImageEncoding;
import dev.crawlocr.localcluster.Cer;
import dev.crawlocr.localcluster.TextDesigns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same generated text images (1-5 lines of Latin, Hangul or mixed text at 11-40 px, a different dark shade
 * per line, light text on dark and coloured backgrounds, transparent backgrounds) in every encoding the web uses,
 * read by the default pipeline and, as the reference, by the {@code tesseract} command's default run on the same
 * files. No line may be dropped anywhere; accuracy must meet the targets over the whole matrix and be at least
 * the command's on every encoding. A few encodings are read again with automatic languages, which must read
 * within a tenth of the right fixed languages' errors.
 */
class EncodingMatrixIT {
    static final int DESIGNS = Integer.getInteger("matrix.designs", 24);
    @TempDir
    static Path dir;
    static TestPipeline pipeline;
    static List<Sample> samples;
    /** Encodings read a second time with automatic languages. */
    static final List<ImageEncoding> AUTO = List.of(ImageEncoding.PNG_GRAY8, ImageEncoding.JPEG_YCBCR, ImageEncoding.WEBP);
    static Map<Path, String> ours = new LinkedHashMap<>();
    static Map<Path, OcrResult> auto = new LinkedHashMap<>();
    static Map<Path, String> cli;

    @BeforeAll
    static void readEverySample() throws Exception {
        pipeline = new TestPipeline(Files.createDirectories(dir.resolve("state")), Map.of("ANALYZER_WORKERS", "2"));
        for (TextDesigns.Script script : TextDesigns.Script.values()) {
            pipeline.crawls.put(script.languages, new OcrSettings(script.languages, null, null, null));
        }
        pipeline.crawls.put("auto", new OcrSettings("auto", null, null, null));
        samples = EncodingMatrix.every(dir.resolve("images"), TextDesigns.generate(DESIGNS, 11, 11, true), EnumSet.allOf(ImageEncoding.class));
        Map<Path, CompletableFuture<Outcome>> fixed = new LinkedHashMap<>();
        Map<Path, CompletableFuture<Outcome>> automatic = new LinkedHashMap<>();
        for (Sample s : samples) {
            fixed.put(s.file(), read(s, s.languages()));
            if (AUTO.contains(s.encoding())) {
                automatic.put(s.file(), read(s, "auto"));
            }
        }
        for (Sample s : samples) {
            ours.put(s.file(), result(s, fixed.get(s.file())).text());
            if (automatic.containsKey(s.file())) {
                auto.put(s.file(), result(s, automatic.get(s.file())));
            }
        }
        cli = new CliTesseract(2, null, dir).batch(samples);
        report();
    }

    /** Reads a sample as a crawl whose id names its OCR languages. */
    private static CompletableFuture<Outcome> read(Sample s, String crawlId) throws java.io.IOException {
        byte[] bytes = Files.readAllBytes(s.file());
        ImageMeta meta = new ImageMeta(ImageMeta.SCHEMA, crawlId, s.file().toUri().toString(), Hashes.sha256Hex(bytes), s.encoding().contentType);
        return pipeline.workers.submit(ctx -> pipeline.ocr.process(meta, bytes, ctx));
    }

    private static OcrResult result(Sample s, CompletableFuture<Outcome> outcome) throws Exception {
        OcrResult r = outcome.get(120, TimeUnit.SECONDS).result();
        assertThat(r.status()).as("%s: %s", s.file().getFileName(), r.reason()).isEqualTo(OcrResult.Status.OK);
        return r;
    }

    @AfterAll
    static void stop() {
        pipeline.close();
    }

    @Test
    void no_line_is_dropped_in_any_encoding() {
        List<String> dropped = new ArrayList<>();
        for (Sample s : samples) {
            for (String line : Cer.droppedLines(s.text(), ours.get(s.file()))) {
                dropped.add(s.file().getFileName() + " (" + s.design().label() + "): '" + line + "' not in '"
                        + Cer.normalize(ours.get(s.file())) + "'");
            }
        }
        assertThat(dropped).isEmpty();
    }

    @Test
    void accuracy_meets_the_targets_over_the_whole_matrix() {
        assertThat(cer("eng", ours)).as("English CER").isLessThanOrEqualTo(0.003);
        assertThat(cer("kor", ours)).as("Korean CER").isLessThanOrEqualTo(0.02);
    }

    @Test
    void every_encoding_reads_at_least_as_well_as_the_tesseract_command() {
        for (ImageEncoding e : ImageEncoding.values()) {
            assertThat(errors(e, ours)).as("%s: characters wrong, ours vs the tesseract command's %d", e, errors(e, cli))
                    .isLessThanOrEqualTo(errors(e, cli));
        }
    }

    @Test
    void automatic_languages_read_within_a_tenth_of_the_right_fixed_languages_and_say_which_they_chose() {
        Map<Path, String> autoText = new LinkedHashMap<>();
        auto.forEach((file, r) -> autoText.put(file, r.text()));
        for (String group : List.of("eng", "kor")) {
            List<Sample> subset = samples.stream().filter(s -> auto.containsKey(s.file()) && s.scriptGroup().equals(group)).toList();
            int fixedErrors = subset.stream().mapToInt(s -> EncodingMatrix.errors(s.text(), ours.get(s.file()))).sum();
            int autoErrors = subset.stream().mapToInt(s -> EncodingMatrix.errors(s.text(), autoText.get(s.file()))).sum();
            assertThat((double) autoErrors).as("%s characters wrong with auto, vs %d with the right languages", group, fixedErrors)
                    .isLessThanOrEqualTo(fixedErrors * 1.1);
        }
        for (Sample s : samples) {
            if (auto.containsKey(s.file())) {
                assertThat(auto.get(s.file()).languages()).as("languages chosen for %s (%s)", s.file().getFileName(), s.design().label())
                        .isEqualTo(s.design().script() == TextDesigns.Script.LATIN ? "eng" : "kor+eng");
            }
        }
    }

    private static int errors(ImageEncoding encoding, Map<Path, String> read) {
        return samples.stream().filter(s -> s.encoding() == encoding)
                .mapToInt(s -> EncodingMatrix.errors(s.text(), read.getOrDefault(s.file(), ""))).sum();
    }

    private static double cer(String group, Map<Path, String> read) {
        long errors = 0;
        long length = 0;
        for (Sample s : samples) {
            if (s.scriptGroup().equals(group)) {
                errors += EncodingMatrix.errors(s.text(), read.getOrDefault(s.file(), ""));
                length += Cer.normalize(s.text()).length();
            }
        }
        return (double) errors / length;
    }

    private static void report() {
        System.out.printf("%n%-18s %12s %12s%n", "encoding", "analyzer", "tesseract");
        for (ImageEncoding e : ImageEncoding.values()) {
            System.out.printf("%-18s %12d %12d%n", e, errors(e, ours), errors(e, cli));
        }
        System.out.printf("CER English %.3f%% (tesseract %.3f%%), Korean %.3f%% (tesseract %.3f%%) over %d images%n",
                100 * cer("eng", ours), 100 * cer("eng", cli), 100 * cer("kor", ours), 100 * cer("kor", cli), samples.size());
        for (Sample s : samples) {
            String read = ours.get(s.file());
            if (EncodingMatrix.errors(s.text(), read) > 0) {
                System.out.printf("  %s %s: '%s' read '%s' (tesseract '%s')%n", s.file().getFileName(), s.design().label(),
                        Cer.normalize(s.text()), Cer.normalize(read), Cer.normalize(cli.get(s.file())));
            }
        }
    }
}
