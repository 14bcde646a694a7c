package io.jenkins.plugins.slipway.runner.traffic;

import io.jenkins.plugins.slipway.runner.routing.Router;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The share of a route's requests each revision actually answered over the last minute, beside the weights the
 * route is set to. The router only keeps cumulative counters per revision, so this samples them every few seconds
 * and answers the difference between the newest sample and the one a minute older. A route is sampled from the
 * first time someone asks about it until nobody has asked for {@link #IDLE}, so a runner nobody looks at does no
 * work for it.
 */
public final class ActualWeights implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ActualWeights.class);
    /** The span the shares are measured over. */
    public static final Duration WINDOW = Duration.ofMinutes(1);
    private static final Duration EVERY = Duration.ofSeconds(5);
    private static final Duration IDLE = Duration.ofMinutes(10);
    /** Readers asking many times a second add no samples between two of these. */
    private static final Duration MIN_GAP = Duration.ofMillis(500);

    private final Router router;
    /** The revisions a service's route is set to send traffic to now. */
    private final BiFunction<String, String, Set<String>> routed;
    private final LongSupplier clock;
    private final Map<String, History> histories = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler;

    public ActualWeights(RouteSync routes) {
        this(routes.router(), (app, service) -> routes.weights(app, service).keySet(), System::nanoTime, true);
    }

    ActualWeights(Router router, BiFunction<String, String, Set<String>> routed, LongSupplier clock,
                  boolean sampleInBackground) {
        this.router = router;
        this.routed = routed;
        this.clock = clock;
        if (sampleInBackground) {
            sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "slipway-actual-weights");
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleWithFixedDelay(this::sampleQuietly, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            sampler = null;
        }
    }

    /**
     * Percent of the requests of {@code app}'s {@code service} route answered by each revision over the last
     * minute (or since the route was first asked about, when that is more recent); empty when it answered none.
     */
    public Map<String, Integer> lastMinute(String app, String service) {
        History h = histories.computeIfAbsent(RouteSync.routeName(app, service), name -> new History(app, service));
        synchronized (h) {
            h.lastAsked = clock.getAsLong();
            sample(h);
            return h.shares();
        }
    }

    /** A scheduled task that throws is never run again: one bad sample must not end the sampling. */
    private void sampleQuietly() {
        try {
            sampleAll();
        } catch (RuntimeException e) {
            LOG.debug("Sampling the routes' request counters failed: {}", e.toString());
        }
    }

    /** Takes a sample of every route someone asked about lately; forgets the others. */
    void sampleAll() {
        long now = clock.getAsLong();
        histories.entrySet().removeIf(e -> now - e.getValue().lastAsked > IDLE.toNanos());
        for (History h : histories.values()) {
            synchronized (h) {
                sample(h);
            }
        }
    }

    private void sample(History h) {
        long now = clock.getAsLong();
        if (!h.samples.isEmpty() && now - h.samples.getLast().nanos < MIN_GAP.toNanos()) {
            return;
        }
        String route = RouteSync.routeName(h.app, h.service);
        Set<String> revisions = new TreeSet<>(routed.apply(h.app, h.service));
        if (!h.samples.isEmpty()) {
            // A revision that left the route within the window still answered part of it.
            Map<String, Long> first = h.samples.getFirst().requests;
            h.samples.getLast().requests.forEach((revision, count) -> {
                if (!count.equals(first.get(revision))) {
                    revisions.add(revision);
                }
            });
        }
        Map<String, Long> requests = new TreeMap<>();
        for (String revision : revisions) {
            requests.put(revision, router.snapshot(route, revision).requests());
        }
        h.samples.addLast(new Sample(now, requests));
        // The baseline is the newest sample at least a window old; older ones are of no more use.
        while (h.samples.size() > 2 && now - secondOldest(h).nanos >= WINDOW.toNanos()) {
            h.samples.removeFirst();
        }
    }

    private static Sample secondOldest(History h) {
        Iterator<Sample> it = h.samples.iterator();
        it.next();
        return it.next();
    }

    /**
     * Percent per revision of the requests counted between two cumulative samples; a counter that went down (the
     * route was removed and created again) counts from 0.
     */
    static Map<String, Integer> shares(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Integer> answered = new TreeMap<>();
        after.forEach((revision, count) -> {
            long base = before.getOrDefault(revision, 0L);
            long delta = count >= base ? count - base : count;
            answered.put(revision, (int) Math.min(Integer.MAX_VALUE, delta));
        });
        return new TreeMap<>(Weights.proportional(answered));
    }

    @Override
    public void close() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }

    private record Sample(long nanos, Map<String, Long> requests) {
    }

    /** The samples of one route, oldest first. */
    private static final class History {
        final String app;
        final String service;
        final Deque<Sample> samples = new ArrayDeque<>();
        long lastAsked;

        History(String app, String service) {
            this.app = app;
            this.service = service;
        }

        Map<String, Integer> shares() {
            if (samples.size() < 2) {
                return Map.of();
            }
            return ActualWeights.shares(samples.getFirst().requests, samples.getLast().requests);
        }
    }
}
