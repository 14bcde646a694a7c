package io.jenkins.plugins.slipway.runner.engine.swarm;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the tasks of services in transition (created, scaled up or down) closely, and asks for a pass as soon as
 * one of them changes: the manager sends no event when a task starts running or is gone, so without this a release
 * would learn of it only at the reconciler's next periodic pass, up to a second later, at every step. A service is
 * followed until it has as many running tasks as it wants and none shutting down, or for a bounded time; while
 * nothing is followed, the manager is not asked at all.
 */
final class TaskWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskWatch.class);
    private static final long TICK_MILLIS = 100;

    private final SwarmClient swarm;
    private final Runnable onChange;
    /** By service name: what it wants, until when it is followed, and what its tasks looked like last tick. */
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slipway-swarm-tasks");
        t.setDaemon(true);
        return t;
    });

    private record Watch(long replicas, long deadlineNanos, String seen) {
        boolean expired() {
            return System.nanoTime() - deadlineNanos > 0;
        }
    }

    TaskWatch(SwarmClient swarm, Runnable onChange) {
        this.swarm = swarm;
        this.onChange = onChange;
        timer.scheduleWithFixedDelay(this::tickQuietly, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Follows the service until {@code replicas} of its tasks run and none is on its way out, or {@code limit}. */
    void follow(String service, long replicas, Duration limit) {
        watches.put(service, new Watch(replicas, System.nanoTime() + limit.toNanos(), null));
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.debug("Following Swarm tasks: {}", e.getMessage());
        }
    }

    private void tick() {
        boolean changed = false;
        for (Map.Entry<String, Watch> e : watches.entrySet()) {
            Watch w = e.getValue();
            List<Task> tasks;
            try {
                tasks = swarm.tasks(List.of(e.getKey()));
            } catch (RuntimeException ex) {
                // The manager not answering: the periodic passes say so; the watch still ends at its deadline.
                LOG.debug("Following the tasks of {}: {}", e.getKey(), ex.getMessage());
                if (w.expired()) {
                    watches.remove(e.getKey(), w);
                }
                continue;
            }
            String seen = tasks.stream().map(t -> t.id() + ":" + t.desiredRunning() + ":" + t.state()).sorted()
                    .collect(Collectors.joining(","));
            changed |= w.seen() != null && !seen.equals(w.seen());
            long running = tasks.stream().filter(t -> t.desiredRunning() && "running".equals(t.state())).count();
            boolean leaving = tasks.stream().anyMatch(t -> !t.desiredRunning() && t.alive());
            boolean settled = running == w.replicas() && !leaving;
            // Settled is what a release waits for: a pass then, even if the last one may already have seen it.
            changed |= settled;
            if (settled || w.expired()) {
                watches.remove(e.getKey(), w);
            } else {
                watches.replace(e.getKey(), w, new Watch(w.replicas(), w.deadlineNanos(), seen));
            }
        }
        if (changed) {
            onChange.run();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
