package io.jenkins.plugins.slipway.runner.autoscale;

import io.jenkins.plugins.slipway.runner.compose.Autoscale;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Engine;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.engine.ReplicaStats;
import io.jenkins.plugins.slipway.runner.engine.UsageSample;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU and memory use of the ready replicas of services autoscaled on {@code cpuPercent} or {@code memoryPercent},
 * read from the engine's stats ({@link Engine#stats()}) on threads of their own ({@link #READERS}), so that a slow
 * engine delays the figures, never the autoscaler's pass. Each {@link #usage} asks for one reading of each ready
 * replica, unless the last one of that replica is still under way: at most one reading per replica per pass and
 * {@link #READERS} at once, each bounded by the engine's own deadline.
 * <p>
 * CPU is cumulative, so a replica's figure is the rise of its counters over the last {@link #WINDOW} (as
 * {@link LoadSamples} measures a rate); a replica read once so far has no CPU figure yet and is left out of the mean.
 */
public final class ResourceSamples implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceSamples.class);
    /** The span a CPU figure is measured over: as the router's rates. */
    static final Duration WINDOW = Autoscaler.MEASURE_WINDOW;
    /**
     * Readings older than this are not used: the reader is stuck, and an old figure must not decide. Longer than a
     * round of readings of the most replicas a service may have (100 at {@link #READERS} at once, about a second
     * each at worst).
     */
    static final Duration STALE = Duration.ofSeconds(15);
    /** A reading slower than this is logged: the cost of stats is part of the autoscaler's cost. */
    private static final Duration SLOW = Duration.ofSeconds(1);
    /**
     * Readings made at once. Docker 20.10 answers a one-shot reading at its stats collector's next tick: up to a
     * second of waiting (0.98 s median beside a load average of 13 on 2 cores), for a few milliseconds of the
     * daemon's CPU. The readers mostly wait, so several at once keep a service of many replicas fresh.
     */
    static final int READERS = 8;

    /** Null when the engine does not report stats (the deployer refuses the targets there). */
    private final ReplicaStats stats;
    private final ExecutorService reader = Executors.newFixedThreadPool(READERS, r -> {
        Thread t = new Thread(r, "slipway-autoscaler-stats");
        t.setDaemon(true);
        return t;
    });
    /** By replica id: its readings of the last window. */
    private final Map<String, Readings> byReplica = new ConcurrentHashMap<>();
    /** The replicas (ids) whose reading is queued or under way. */
    private final Set<String> reading = ConcurrentHashMap.newKeySet();

    ResourceSamples(ReplicaStats stats) {
        this.stats = stats;
    }

    /** Samples through {@code engine}'s stats, or none when it has none. */
    public static ResourceSamples of(Engine engine) {
        try {
            return new ResourceSamples(engine.stats());
        } catch (EngineException e) {
            return new ResourceSamples(null);
        }
    }

    /**
     * The mean use of {@code ready} (replicas of {@code service}'s serving revision) from the readings so far, and a
     * request for the next reading of them. Never waits for the engine.
     *
     * @param nanos now, as {@link System#nanoTime()}
     */
    Usage usage(ServiceSpec service, List<Replica> ready, long nanos) {
        Autoscale policy = service == null ? null : service.autoscale();
        if (stats == null || policy == null
                || policy.targets().keySet().stream().noneMatch(Autoscale.Target::fromEngineStats)) {
            return Usage.NONE;
        }
        for (Replica r : ready) {
            if (reading.add(r.id())) {
                try {
                    reader.execute(() -> read(r));
                } catch (RejectedExecutionException e) {
                    reading.remove(r.id());
                }
            }
        }
        // Replicas gone or no longer ready: their readings are of no more use.
        byReplica.values().removeIf(rs -> rs.latestAt() < nanos - STALE.toNanos());
        return mean(ready, service.nanoCpus(), service.memoryBytes(), nanos);
    }

    private void read(Replica r) {
        long start = System.nanoTime();
        try {
            UsageSample s = stats.read(r);
            long end = System.nanoTime();
            byReplica.computeIfAbsent(r.id(), k -> new Readings()).add(end, s);
            if (end - start > SLOW.toNanos()) {
                LOG.info("Reading the stats of {} took {} ms", r.name(), (end - start) / 1_000_000);
            }
        } catch (EngineException e) {
            LOG.debug("{}", e.getMessage());
        } finally {
            reading.remove(r.id());
        }
    }

    /** The means over the replicas that have a figure; -1 for a figure none has. */
    Usage mean(List<Replica> ready, long nanoCpus, long memoryBytes, long nanos) {
        double cpu = 0;
        int cpuCount = 0;
        double memory = 0;
        int memoryCount = 0;
        for (Replica r : ready) {
            Readings rs = byReplica.get(r.id());
            if (rs == null) {
                continue;
            }
            Readings.Figures f = rs.figures(nanoCpus, memoryBytes, nanos - STALE.toNanos());
            if (f.cpuPercent() >= 0) {
                cpu += f.cpuPercent();
                cpuCount++;
            }
            if (f.memoryPercent() >= 0) {
                memory += f.memoryPercent();
                memoryCount++;
            }
        }
        return new Usage(cpuCount == 0 ? -1 : cpu / cpuCount, memoryCount == 0 ? -1 : memory / memoryCount);
    }

    /** Adds a reading taken at {@code nanos}, as the reader thread does (for tests). */
    void add(String replicaId, long nanos, UsageSample sample) {
        byReplica.computeIfAbsent(replicaId, k -> new Readings()).add(nanos, sample);
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }

    /** The mean use of a service's ready replicas, in percent of its limits; -1 for a figure there is none of yet. */
    record Usage(double cpuPercent, double memoryPercent) {
        /**
         * No figure: the service has no target on stats, or the engine has no stats (the deployer refuses the
         * targets on such an engine; a service deployed before the runner was started on another one).
         */
        static final Usage NONE = new Usage(-1, -1);

        /** The figure of a target on stats; -1 when there is none yet. */
        double percent(Autoscale.Target target) {
            return target == Autoscale.Target.CPU_PERCENT ? cpuPercent : memoryPercent;
        }

        /** True when every stats target of {@code policy} has a figure, so a decision may use them all. */
        boolean complete(Autoscale policy) {
            return policy.targets().keySet().stream().filter(Autoscale.Target::fromEngineStats)
                    .allMatch(t -> percent(t) >= 0);
        }
    }

    /** One replica's readings: the newest, and a baseline at least {@link #WINDOW} older when there is one. */
    private static final class Readings {
        private final Deque<Timed> samples = new ArrayDeque<>();

        synchronized void add(long nanos, UsageSample sample) {
            samples.addLast(new Timed(nanos, sample));
            while (samples.size() > 2 && nanos - second().nanos >= WINDOW.toNanos()) {
                samples.removeFirst();
            }
        }

        /** When the newest reading was taken; now for none yet (its first reading is being added). */
        synchronized long latestAt() {
            return samples.isEmpty() ? System.nanoTime() : samples.getLast().nanos;
        }

        /** CPU over the readings kept, memory of the newest; -1 for a figure it cannot give, or readings too old. */
        synchronized Figures figures(long nanoCpus, long memoryBytes, long freshAfter) {
            Timed last = samples.peekLast();
            if (last == null || last.nanos < freshAfter) {
                return new Figures(-1, -1);
            }
            double cpu = samples.size() < 2 ? -1
                    : UsageSample.cpuPercentOfLimit(samples.getFirst().sample, last.sample,
                            last.nanos - samples.getFirst().nanos, nanoCpus);
            return new Figures(cpu, last.sample.memoryPercentOf(memoryBytes));
        }

        private Timed second() {
            var it = samples.iterator();
            it.next();
            return it.next();
        }

        record Figures(double cpuPercent, double memoryPercent) {
        }

        private record Timed(long nanos, UsageSample sample) {
        }
    }
}
