package dev.crawlocr.it.bench;

import dev.crawlocr.devkit.Bench;
import dev.crawlocr.localcluster.DemoSite;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code tesseract} command in batch mode on the sites' images, as downloaded from them: the files split into one
 * list per process, each process loading its English model once, all processes at the same time, OMP_THREAD_LIMIT=1.
 * Its CPU is the tesseract processes' own (this JVM's reaped children) and the machine's busy time over the run.
 */
final class TesseractBatch {
    record Run(int images, double seconds, CpuUse cpu) {
    }

    private final Path dir;
    private final int processes;

    TesseractBatch(Path dir, int processes) {
        this.dir = dir;
        this.processes = processes;
    }

    static String version() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tesseract", "--version").redirectErrorStream(true).start();
        String first = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("tesseract ?");
        p.waitFor();
        return first;
    }

    Run run(List<DemoSite> sites) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<List<String>> lists = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            lists.add(new ArrayList<>());
        }
        HttpClient http = HttpClient.newHttpClient();
        int n = 0;
        for (DemoSite site : sites) {
            for (String url : site.imageTexts().keySet()) {
                Path file = dir.resolve(n + ".png");
                HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofFile(file));
                if (r.statusCode() != 200) {
                    throw new IOException("GET " + url + " answered " + r.statusCode());
                }
                lists.get(n++ % processes).add(file.toString());
            }
        }
        long machine0 = Bench.machineBusyTicks();
        long children0 = Bench.childrenCpuTicks();
        long t0 = System.nanoTime();
        List<Process> running = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            Path list = Files.write(dir.resolve("list-" + p + ".txt"), lists.get(p));
            ProcessBuilder pb = new ProcessBuilder("tesseract", list.toString(), "stdout", "-l", "eng")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("tesseract-" + p + ".err").toFile());
            pb.environment().put("OMP_THREAD_LIMIT", "1");
            running.add(pb.start());
        }
        for (Process p : running) {
            if (p.waitFor() != 0) {
                throw new IOException("tesseract exited with " + p.exitValue() + "; see " + dir);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Run(n, seconds, new CpuUse((Bench.machineBusyTicks() - machine0) / 100.0,
                Map.of("tesseract", (Bench.childrenCpuTicks() - children0) / 100.0)));
    }
}
