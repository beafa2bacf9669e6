package dev.crawlocr.devkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What the benchmarks share: their {@code --name=value} flags and CPU readings from Linux's /proc. CPU times are in
 * clock ticks of 1/100 s (USER_HZ on Linux); a reading that cannot be made is 0.
 */
public final class Bench {

    private Bench() {
    }

    /** {@code --name=value} arguments (several may share one argument, separated by spaces) as name to value. */
    public static Map<String, String> flags(String[] args) {
        Map<String, String> m = new HashMap<>();
        for (String arg : args) {
            for (String part : arg.split("\\s+")) {
                if (part.startsWith("--") && part.contains("=")) {
                    m.put(part.substring(2, part.indexOf('=')), part.substring(part.indexOf('=') + 1));
                } else if (part.startsWith("--")) {
                    m.put(part.substring(2), "true");
                }
            }
        }
        return m;
    }

    /** utime + stime of a running process (all its threads). */
    public static long cpuTicks(long pid) {
        return statFields(pid, 11, 12);
    }

    /** cutime + cstime of this JVM: the CPU time of the child processes it has waited for. */
    public static long childrenCpuTicks() {
        return statFields(ProcessHandle.current().pid(), 13, 14);
    }

    /** Busy CPU time of the whole machine, all cores: user, nice, system, irq, softirq and steal (not idle or iowait). */
    public static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]) + Long.parseLong(f[8]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The 1, 5 and 15 minute load averages, as /proc/loadavg gives them, or "unknown". */
    public static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** The sum of two fields of /proc/PID/stat, counted from the field after the command name (state = 0). */
    private static long statFields(long pid, int a, int b) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[a]) + Long.parseLong(f[b]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
