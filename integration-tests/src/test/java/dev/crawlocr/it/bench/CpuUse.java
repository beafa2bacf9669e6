package dev.crawlocr.it.bench;

import dev.crawlocr.devkit.Bench;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU-seconds used over an interval, read from /proc two ways: {@code machine} is the busy time of the whole machine
 * (all cores, every process, other people's work included); {@code own} is that of a chosen set of processes.
 */
record CpuUse(double machine, double own) {

    /** A reading at one moment: the machine's busy ticks and each chosen process's ticks. */
    record Sample(long machineTicks, Map<Long, Long> ticks) {

        /** The CPU used from this sample to {@code end}; a process that ended in between is left out. */
        CpuUse until(Sample end) {
            long own = 0;
            for (var e : end.ticks.entrySet()) {
                if (e.getValue() > 0) {
                    own += e.getValue() - ticks.getOrDefault(e.getKey(), 0L);
                }
            }
            return new CpuUse((end.machineTicks - machineTicks) / 100.0, own / 100.0);
        }
    }

    static Sample sample(List<Long> pids) {
        Map<Long, Long> ticks = new HashMap<>();
        pids.forEach(pid -> ticks.put(pid, Bench.cpuTicks(pid)));
        return new Sample(Bench.machineBusyTicks(), ticks);
    }

    CpuUse plus(CpuUse other) {
        return new CpuUse(machine + other.machine, own + other.own);
    }
}
