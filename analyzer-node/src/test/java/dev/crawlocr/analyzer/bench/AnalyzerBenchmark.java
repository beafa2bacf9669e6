package dev.crawlocr.analyzer.bench;

import dev.crawlocr.analyzer.AnalyzerConfig;
import dev.crawlocr.analyzer.CliTesseract;
import dev.crawlocr.analyzer.EncodingMatrix;
import dev.crawlocr.analyzer.image.ImageDecoder;
import dev.crawlocr.analyzer.image.Preprocessor;
import dev.crawlocr.analyzer.ocr.EngineSet;
import dev.crawlocr.analyzer.ocr.ResolvedSettings;
import dev.crawlocr.analyzer.ocr.SettingsResolver;
import dev.crawlocr.analyzer.ocr.TessEngine;
import dev.crawlocr.analyzer.ocr.Tessdata;
import dev.crawlocr.analyzer.pipeline.Analysis;
import dev.crawlocr.analyzer.pipeline.ImageAnalyzer;
import dev.crawlocr.analyzer.pipeline.MemoryGuard;
import dev.crawlocr.analyzer.pipeline.OcrWorkers;
import dev.crawlocr.common.message.OcrSettings;
import dev.crawlocr.devkit.ImageEncoding;
import dev.crawlocr.localcluster.Cer;
import dev.crawlocr.localcluster.TextDesigns;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Measures the analyzer's OCR pipeline against the {@code tesseract} command line on the same generated images
 * ({@link TextDesigns} in every {@link ImageEncoding} in turn), in one run: images/s of the analyzer with each
 * image's languages and with {@code --lang auto}, of tesseract's default run in batch mode (list files, one process
 * per core) and with one process per image, plus the character error rate of each against the known text.
 *
 * <p>The analyzer is driven through its pipeline classes ({@link OcrWorkers}, {@link ImageAnalyzer}) with the node's
 * default configuration; no broker is involved. Run with {@code scripts/bench analyzer [--images=360]
 * [--workers=N] [--dir=path]}.
 */
public final class AnalyzerBenchmark {
    private static final double[] lastTimings = new double[3];
    private static Map<Path, String> lastTexts = Map.of();

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (String a : args) {
            if (a.startsWith("--") && a.contains("=")) {
                opts.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            }
        }
        int count = Integer.parseInt(opts.getOrDefault("images", "360"));
        AnalyzerConfig config = AnalyzerConfig.from(AnalyzerConfig.DEF.parse(System.getenv()));
        int workers = Integer.parseInt(opts.getOrDefault("workers", Integer.toString(config.workers())));
        Path dir = opts.containsKey("dir") ? Path.of(opts.get("dir")) : temporaryDirectory();
        List<EncodingMatrix.Sample> specs = EncodingMatrix.mix(dir.resolve("images"), TextDesigns.generate(count, 7, 11, true),
                List.of(ImageEncoding.values()));

        System.out.printf("Analyzer benchmark: %d images in %s: 1-5 lines of Latin, Hangul or mixed text at 11-40 px, a dark"
                + " shade per line, light on dark and coloured backgrounds, transparent backgrounds; the %d encodings in turn%n",
                specs.size(), dir.resolve("images"), ImageEncoding.values().length);
        System.out.printf("tesseract %s, %d workers / processes, psm %d, OMP_THREAD_LIMIT=%s%n", TessEngine.version(), workers,
                config.pageSegMode(), System.getenv("OMP_THREAD_LIMIT"));
        System.out.println("The analyzer is measured in-process through its OCR pipeline classes (OcrWorkers + ImageAnalyzer,"
                + " default configuration), without a Kafka broker.");

        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
        warmUpJvm(config, specs);
        CliTesseract cli = new CliTesseract(workers, null, dir);
        Result fixed = null;
        Result auto = null;
        Result batch = null;
        for (int round = 1; round <= rounds; round++) {
            fixed = best(fixed, measure("analyzer, each image's language", round, specs, AnalyzerBenchmark::processCpuSeconds,
                    () -> runAnalyzer(config, workers, specs, false)));
            auto = best(auto, measure("analyzer, --lang auto", round, specs, AnalyzerBenchmark::processCpuSeconds,
                    () -> runAnalyzer(config, workers, specs, true)));
            if (!opts.containsKey("analyzer-only")) {
                batch = best(batch, measure("tesseract batch", round, specs, cli::cpuSeconds, () -> cli.batch(specs)));
            }
        }
        System.out.printf("analyzer mean per image: decode %.1f ms, preprocess %.1f ms, OCR %.1f ms (on one worker)%n",
                lastTimings[0], lastTimings[1], lastTimings[2]);
        if (opts.containsKey("show-errors")) {
            for (EncodingMatrix.Sample s : specs) {
                String actual = lastTexts.getOrDefault(s.file(), "");
                if (Cer.of(s.text(), actual) > 0) {
                    System.out.printf("  %s %s: expected '%s' read '%s'%n", s.file().getFileName(), s.design().label(),
                            Cer.normalize(s.text()), Cer.normalize(actual));
                }
            }
        }
        List<Result> results = new ArrayList<>(List.of(fixed, auto));
        if (batch != null) {
            results.add(batch);
            results.add(measure("tesseract per image", 1, specs, cli::cpuSeconds, () -> cli.perImage(specs)));
            System.out.printf("%nBest of %d alternating rounds; one round of one process per image.%n", rounds);
        }
        System.out.printf("%n%-34s %10s %14s %10s %10s%n", "", "images/s", "images/CPU-s", "CER eng", "CER kor");
        for (Result r : results) {
            System.out.printf("%-34s %10.2f %14.2f %9.3f%% %9.3f%%%n", r.name, r.imagesPerSecond, r.imagesPerCpuSecond,
                    100 * r.cer.get("eng"), 100 * r.cer.get("kor"));
        }
        System.out.printf("%n--lang auto / each image's language: %.2fx wall, %.2fx per CPU-second (target >= 0.8x);"
                + " CER %.3f%% vs %.3f%% English, %.3f%% vs %.3f%% Korean (target within 10%% relative)%n",
                auto.imagesPerSecond / fixed.imagesPerSecond, auto.imagesPerCpuSecond / fixed.imagesPerCpuSecond,
                100 * auto.cer.get("eng"), 100 * fixed.cer.get("eng"), 100 * auto.cer.get("kor"), 100 * fixed.cer.get("kor"));
        if (batch != null) {
            Result perImage = results.get(3);
            System.out.printf("analyzer / tesseract batch:     %.2fx wall, %.2fx per CPU-second (target >= 1.0x per CPU-second)%n",
                    fixed.imagesPerSecond / batch.imagesPerSecond, fixed.imagesPerCpuSecond / batch.imagesPerCpuSecond);
            System.out.printf("analyzer / tesseract per image: %.2fx wall, %.2fx per CPU-second%n",
                    fixed.imagesPerSecond / perImage.imagesPerSecond, fixed.imagesPerCpuSecond / perImage.imagesPerCpuSecond);
            System.out.println("images/s is wall-clock throughput (best round); images/CPU-s divides by the CPU time the analyzer process"
                    + " or the tesseract processes used, which stays comparable when other work shares the machine.");
            System.out.println("\nCER by encoding (analyzer | tesseract batch):");
            for (ImageEncoding e : ImageEncoding.values()) {
                System.out.printf("  %-18s %7.3f%% | %7.3f%%%n", e, 100 * fixed.cerByEncoding.get(e.name()),
                        100 * batch.cerByEncoding.get(e.name()));
            }
        }
        System.out.printf("%nTargets: CER <= 0.3%% English, <= 2%% Korean. Analyzer: %s%n",
                fixed.cer.get("eng") <= 0.003 && fixed.cer.get("kor") <= 0.02 ? "met" : "NOT met");
    }

    /** A directory for the generated images, removed when the benchmark ends. */
    private static Path temporaryDirectory() throws java.io.IOException {
        Path dir = Files.createTempDirectory("crawlocr-bench");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                System.err.println("Could not remove " + dir + ": " + e);
            }
        }));
        return dir;
    }

    /** Reads every image with its design's languages, or with {@code auto} languages when {@code auto}. */
    private static Map<Path, String> runAnalyzer(AnalyzerConfig config, int workers, List<EncodingMatrix.Sample> specs, boolean auto)
            throws Exception {
        SettingsResolver resolver = new SettingsResolver(new Tessdata(config.tessdata()), config.languages(), config.pageSegMode(),
                config.engineMode(), config.minWordConfidence());
        ImageAnalyzer analyzer = new ImageAnalyzer(new ImageDecoder(config.common().imageMaxBytes(), config.maxPixels()),
                new Preprocessor(config.upscaleLineHeight(), config.upscaleDenseLineHeight(), config.maxScale(), Math.max(config.maxPixels(), 16_000_000L)), config.dpi());
        Map<String, ResolvedSettings> settings = new HashMap<>();
        for (TextDesigns.Script script : TextDesigns.Script.values()) {
            settings.put(script.languages, resolver.resolve(new OcrSettings(auto ? Tessdata.AUTO : script.languages, null, null, null)));
        }
        List<byte[]> bytes = new ArrayList<>();
        for (EncodingMatrix.Sample s : specs) {
            bytes.add(Files.readAllBytes(s.file()));
        }
        Map<Path, String> out = new LinkedHashMap<>();
        try (OcrWorkers pool = new OcrWorkers(workers, Integer.MAX_VALUE, config.timeout(),
                () -> new EngineSet(config.tessdata(), config.engineMaxImages(), EngineSet.PER_WORKER), new MemoryGuard(config.memoryBudget(), 30_000))) {
            List<CompletableFuture<Analysis>> futures = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                byte[] b = bytes.get(i);
                ResolvedSettings s = settings.get(specs.get(i).languages());
                futures.add(pool.submit(ctx -> analyzer.analyze(b, s, ctx)));
            }
            double[] sums = new double[3];
            for (int i = 0; i < specs.size(); i++) {
                Analysis a = futures.get(i).get();
                out.put(specs.get(i).file(), a.text());
                sums[0] += a.decodeMs();
                sums[1] += a.preprocessMs();
                sums[2] += a.ocrMs();
            }
            for (int i = 0; i < 3; i++) {
                lastTimings[i] = sums[i] / specs.size();
            }
            lastTexts = out;
        }
        return out;
    }

    /**
     * Compiles the Java decode and preprocess paths (JIT) by running them once over the set, without OCR, as a
     * long-running node would have. Tesseract engines are not created here: their start-up stays inside the timing.
     */
    private static void warmUpJvm(AnalyzerConfig config, List<EncodingMatrix.Sample> specs) throws Exception {
        ImageDecoder decoder = new ImageDecoder(config.common().imageMaxBytes(), config.maxPixels());
        Preprocessor preprocessor = new Preprocessor(config.upscaleLineHeight(), config.upscaleDenseLineHeight(), config.maxScale(), 16_000_000L);
        for (EncodingMatrix.Sample s : specs) {
            preprocessor.prepare(decoder.decode(Files.readAllBytes(s.file())), s.scriptGroup().equals("kor"));
        }
        System.out.println("JVM warmed up: the set was decoded and preprocessed once (no OCR) before timing; engine start-up is timed.");
    }

    interface Run {
        Map<Path, String> run() throws Exception;
    }

    private record Result(String name, double imagesPerSecond, double imagesPerCpuSecond, Map<String, Double> cer,
                          Map<String, Double> cerByEncoding) {
    }

    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    /** The round with the best wall-clock throughput, keeping the best CPU efficiency seen in any round. */
    private static Result best(Result a, Result b) {
        if (a == null) {
            return b;
        }
        Result wall = b.imagesPerSecond > a.imagesPerSecond ? b : a;
        return new Result(wall.name, wall.imagesPerSecond, Math.max(a.imagesPerCpuSecond, b.imagesPerCpuSecond), wall.cer, wall.cerByEncoding);
    }

    private static Result measure(String name, int round, List<EncodingMatrix.Sample> specs, java.util.function.DoubleSupplier cpu, Run run)
            throws Exception {
        System.out.printf("Running %s, round %d ...", name, round);
        double cpuStart = cpu.getAsDouble();
        long start = System.nanoTime();
        Map<Path, String> texts = run.run();
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = cpu.getAsDouble() - cpuStart;
        System.out.printf(" %.2f images/s, %.2f images per CPU-second%n", specs.size() / seconds, specs.size() / cpuSeconds);
        Map<String, double[]> errors = new HashMap<>();
        Map<String, double[]> byEncoding = new HashMap<>();
        for (EncodingMatrix.Sample s : specs) {
            String actual = texts.getOrDefault(s.file(), "");
            double len = Cer.normalize(s.text()).length();
            double err = Cer.of(s.text(), actual) * len;
            add(errors, s.scriptGroup(), err, len);
            add(byEncoding, s.encoding().name(), err, len);
        }
        return new Result(name, specs.size() / seconds, specs.size() / cpuSeconds, ratio(errors), ratio(byEncoding));
    }

    private static void add(Map<String, double[]> m, String key, double err, double len) {
        double[] a = m.computeIfAbsent(key, k -> new double[2]);
        a[0] += err;
        a[1] += len;
    }

    private static Map<String, Double> ratio(Map<String, double[]> m) {
        Map<String, Double> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, v[1] == 0 ? 0 : v[0] / v[1]));
        return out;
    }

    private AnalyzerBenchmark() {
    }
}
