package dev.crawlocr.it.bench;

import dev.crawlocr.devkit.Bench;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU-seconds used over an interval, read from /proc two ways: {@code machine} is the busy time of the whole machine
 * (all cores, every process, other people's work included); {@code own} is that of a chosen set of processes, also
 * given per kind of process ({@code byName}: the processes' names, each summed over its instances).
 */
record CpuUse(double machine, Map<String, Double> byName) {

    /** A reading at one moment: the machine's busy ticks and each chosen process's ticks and name. */
    record Sample(long machineTicks, Map<Long, Long> ticks, Map<Long, String> names) {

        /** The CPU used from this sample to {@code end}; a process that ended in between is left out. */
        CpuUse until(Sample end) {
            Map<String, Double> byName = new TreeMap<>();
            for (var e : end.ticks.entrySet()) {
                if (e.getValue() > 0) {
                    byName.merge(end.names.get(e.getKey()), (e.getValue() - ticks.getOrDefault(e.getKey(), 0L)) / 100.0, Double::sum);
                }
            }
            return new CpuUse((end.machineTicks - machineTicks) / 100.0, byName);
        }
    }

    /** @param names the processes to read, by pid, each with the name its time is summed under */
    static Sample sample(Map<Long, String> names) {
        Map<Long, Long> ticks = new HashMap<>();
        names.keySet().forEach(pid -> ticks.put(pid, Bench.cpuTicks(pid)));
        return new Sample(Bench.machineBusyTicks(), ticks, Map.copyOf(names));
    }

    CpuUse plus(CpuUse other) {
        Map<String, Double> byName = new TreeMap<>(this.byName);
        other.byName.forEach((k, v) -> byName.merge(k, v, Double::sum));
        return new CpuUse(machine + other.machine, byName);
    }

    /** The chosen processes' CPU-seconds, all kinds together. */
    double own() {
        return byName.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** The CPU-seconds of each kind of process, largest first, e.g. "writer 9.1, postgres 8.0". */
    String describeByName() {
        return byName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
    }
}
