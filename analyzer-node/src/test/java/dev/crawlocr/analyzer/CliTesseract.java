package dev.crawlocr.analyzer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The stock {@code tesseract} command line on the same files, with OMP_THREAD_LIMIT=1 and each sample's languages,
 * at its default page segmentation mode or a given one.
 */
public final class CliTesseract {
    private final int processes;
    private final List<String> psm;
    private final Path work;

    /** @param psm page segmentation mode, or null for the command's default (3, fully automatic) */
    public CliTesseract(int processes, Integer psm, Path work) {
        this.processes = processes;
        this.psm = psm == null ? List.of() : List.of("--psm", psm.toString());
        this.work = work;
    }

    /** One process per image, {@code processes} at a time. Returns the text read per file. */
    public Map<Path, String> perImage(List<EncodingMatrix.Sample> specs) throws Exception {
        Map<Path, String> out = new HashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(processes)) {
            List<Future<String>> texts = new ArrayList<>();
            for (EncodingMatrix.Sample s : specs) {
                texts.add(pool.submit(() -> run(command(s.file().toString(), s.languages()))));
            }
            for (int i = 0; i < specs.size(); i++) {
                out.put(specs.get(i).file(), texts.get(i).get());
            }
        }
        return out;
    }

    /**
     * Batch mode: per language, the files split into {@code processes} list files, each read by one tesseract process
     * that loads its models once; the processes run at the same time. Pages come back separated by form feeds.
     */
    public Map<Path, String> batch(List<EncodingMatrix.Sample> specs) throws Exception {
        Map<Path, String> out = new HashMap<>();
        Map<String, List<EncodingMatrix.Sample>> byLanguage = new HashMap<>();
        specs.forEach(s -> byLanguage.computeIfAbsent(s.languages(), k -> new ArrayList<>()).add(s));
        try (ExecutorService pool = Executors.newFixedThreadPool(processes)) {
            List<List<EncodingMatrix.Sample>> chunks = new ArrayList<>();
            List<Future<String>> texts = new ArrayList<>();
            for (var e : byLanguage.entrySet()) {
                for (int p = 0; p < processes; p++) {
                    List<EncodingMatrix.Sample> chunk = new ArrayList<>();
                    for (int i = p; i < e.getValue().size(); i += processes) {
                        chunk.add(e.getValue().get(i));
                    }
                    if (chunk.isEmpty()) {
                        continue;
                    }
                    Path list = work.resolve("list-" + e.getKey().replace('+', '-') + "-" + p + ".txt");
                    Files.write(list, chunk.stream().map(s -> s.file().toString()).toList(), StandardCharsets.UTF_8);
                    chunks.add(chunk);
                    texts.add(pool.submit(() -> run(command(list.toString(), e.getKey()))));
                }
            }
            for (int c = 0; c < chunks.size(); c++) {
                String[] pages = texts.get(c).get().split("\f", -1);
                List<EncodingMatrix.Sample> chunk = chunks.get(c);
                for (int i = 0; i < chunk.size(); i++) {
                    out.put(chunk.get(i).file(), i < pages.length ? pages[i] : "");
                }
            }
        }
        return out;
    }

    private List<String> command(String input, String languages) {
        List<String> command = new ArrayList<>(List.of("tesseract", input, "stdout", "-l", languages));
        command.addAll(psm);
        return command;
    }

    /** CPU seconds (user + system) the tesseract processes used since this instance was made. */
    public double cpuSeconds() {
        return cpuNanos.sum() / 1e9;
    }

    private final java.util.concurrent.atomic.LongAdder cpuNanos = new java.util.concurrent.atomic.LongAdder();

    /** Runs tesseract under bash, whose {@code times} builtin then reports the child's CPU time on stderr. */
    private String run(List<String> command) throws IOException, InterruptedException {
        List<String> wrapped = new ArrayList<>(List.of("bash", "-c", "\"$@\"; rc=$?; times >&2; exit $rc", "bash"));
        wrapped.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(wrapped);
        pb.environment().put("OMP_THREAD_LIMIT", "1");
        Process p = pb.start();
        java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("tesseract exited with " + p.exitValue() + ": " + command);
        }
        String[] lines = err.join().strip().split("\n");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)m([\\d.]+)s\\s+(\\d+)m([\\d.]+)s").matcher(lines[lines.length - 1]);
        if (m.find()) {
            double seconds = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2))
                    + Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
            cpuNanos.add((long) (seconds * 1e9));
        }
        return text;
    }
}
