package io.jenkins.plugins.slipway.runner.analysis;

import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One analysis run: every {@code interval} it measures each metric still in play, hands each {@link Measurement}
 * to a listener (the server turns them into {@code AnalysisMeasured} events), and judges as Argo Rollouts does:
 * a metric fails once more than {@code failureLimit} of its measurements failed or errored, is inconclusive once
 * more than {@code inconclusiveLimit} were inconclusive, and succeeds after {@code count} measurements otherwise.
 * The run ends as soon as one metric fails (nothing can be worse), or when every metric has ended, with the worst
 * verdict.
 * <p>
 * Non-blocking: measurements run on the scheduler's and the HTTP client's threads; {@link #result()} completes
 * when the run ends, or is cancelled by {@link #cancel()}.
 */
public final class AnalysisRun {
    private static final System.Logger LOG = System.getLogger(AnalysisRun.class.getName());
    /** A background run may go on for hours; the result keeps the latest measurements only. */
    static final int KEPT_MEASUREMENTS = 500;

    private final AnalysisSpec spec;
    private final List<MetricState> metrics = new ArrayList<>();
    private final AnalysisScheduler scheduler;
    private final Consumer<Measurement> listener;
    private final CompletableFuture<AnalysisResult> result = new CompletableFuture<>();
    private final List<Measurement> measurements = new ArrayList<>();
    private AnalysisScheduler.Cancellable pending;
    private int round;
    /** Set by {@link #cancel()}; also read outside the lock before a listener is called. */
    private volatile boolean cancelled;

    private AnalysisRun(AnalysisSpec spec, Map<String, MetricProvider> providers, AnalysisScheduler scheduler,
                        Consumer<Measurement> listener) {
        this.spec = spec;
        this.scheduler = scheduler;
        this.listener = listener;
        providers.forEach((name, p) -> metrics.add(new MetricState(name, p)));
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("an analysis run needs at least one metric");
        }
    }

    /**
     * Starts a run over the spec's metrics with the standard providers.
     *
     * @param context   routes and replicas of the release being judged
     * @param source    the router's figures ({@code router::snapshot})
     * @param http      client for http and webhook metrics, owned by the caller
     * @param scheduler time; {@link AnalysisScheduler#of} in the runner
     * @param listener  receives each measurement as it is taken; must not block
     */
    public static AnalysisRun start(AnalysisSpec spec, ReleaseContext context, MetricsSource source, HttpClient http,
                                    AnalysisScheduler scheduler, Consumer<Measurement> listener) {
        return start(spec, () -> context, source, http, scheduler, listener);
    }

    /**
     * Starts a run over the spec's metrics with the standard providers, measuring the release as {@code release}
     * answers at each measurement (a canary's replicas change while its background analysis runs).
     */
    public static AnalysisRun start(AnalysisSpec spec, Supplier<ReleaseContext> release, MetricsSource source,
                                    HttpClient http, AnalysisScheduler scheduler, Consumer<Measurement> listener) {
        return start(spec, release, source, http, WebhookPolicy.publicOnly(), scheduler, listener);
    }

    /** As above, with webhooks allowed where {@code webhooks} allows. */
    public static AnalysisRun start(AnalysisSpec spec, Supplier<ReleaseContext> release, MetricsSource source,
                                    HttpClient http, WebhookPolicy webhooks, AnalysisScheduler scheduler,
                                    Consumer<Measurement> listener) {
        Map<String, MetricProvider> providers = new LinkedHashMap<>();
        for (MetricSpec m : spec.metrics()) {
            providers.put(m.name(), MetricProviders.create(m, release, source, http, webhooks, scheduler::now));
        }
        return start(spec, providers, scheduler, listener);
    }

    /** Starts a run with the given providers, keyed by metric name in the order they are reported. */
    public static AnalysisRun start(AnalysisSpec spec, Map<String, MetricProvider> providers,
                                    AnalysisScheduler scheduler, Consumer<Measurement> listener) {
        AnalysisRun run = new AnalysisRun(spec, providers, scheduler, listener);
        run.begin();
        return run;
    }

    /** Completes with the verdict when the run ends; completes exceptionally (cancelled) after {@link #cancel()}. */
    public CompletableFuture<AnalysisResult> result() {
        return result;
    }

    /** Stops the run; a measurement in flight is discarded. Does nothing once the run has ended. */
    public void cancel() {
        AnalysisScheduler.Cancellable p;
        synchronized (this) {
            cancelled = true;
            p = pending;
            pending = null;
        }
        if (p != null) {
            p.cancel();
        }
        result.cancel(false);
    }

    /** Measurements so far, in order. */
    public synchronized List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    public AnalysisSpec spec() {
        return spec;
    }

    private synchronized void begin() {
        for (MetricState m : metrics) {
            try {
                m.provider.begin();
            } catch (RuntimeException e) {
                // The first measurement reports it: begin() has no reading of its own to carry the error.
                LOG.log(System.Logger.Level.DEBUG, "provider " + m.name + " could not take its baseline", e);
            }
        }
        pending = scheduler.schedule(spec.interval(), this::tick);
    }

    private void tick() {
        Instant started;
        int index;
        List<MetricState> live;
        synchronized (this) {
            if (cancelled || result.isDone()) {
                return;
            }
            pending = null;
            started = scheduler.now();
            index = ++round;
            live = metrics.stream().filter(m -> m.ended == null).toList();
        }
        List<CompletableFuture<Reading>> readings = new ArrayList<>();
        for (MetricState m : live) {
            readings.add(m.provider.measure(index));
        }
        CompletableFuture.allOf(readings.toArray(CompletableFuture[]::new))
                .whenComplete((ignored, failure) -> measured(started, index, live, readings));
    }

    // Listeners and the result's dependents are called outside the lock: the release side holds its own lock
    // while it cancels runs, and a callback taking that lock from inside this one could deadlock.
    private void measured(Instant started, int index, List<MetricState> live,
                          List<CompletableFuture<Reading>> readings) {
        List<Measurement> taken = new ArrayList<>();
        AnalysisResult ended = null;
        Instant at;
        synchronized (this) {
            if (cancelled || result.isDone()) {
                return;
            }
            at = scheduler.now();
            MetricState decided = null;
            for (int i = 0; i < live.size(); i++) {
                MetricState m = live.get(i);
                Reading r = readings.get(i).isCompletedExceptionally()
                        ? Reading.error(m.provider.kind() + " could not measure", Map.of())
                        : readings.get(i).join();
                Measurement measurement = Measurement.of(m.name, m.provider.kind(), index, spec.count(), at, r);
                record(measurement);
                taken.add(measurement);
                if (m.judge(measurement) && (decided == null || m.ended.isWorseThan(decided.ended))) {
                    decided = m;
                }
            }
            if (decided != null && (decided.ended == Verdict.Failed || decided.ended == Verdict.Error)) {
                ended = finish(decided);
            } else if (metrics.stream().allMatch(m -> m.ended != null)) {
                MetricState worst = metrics.get(0);
                for (MetricState m : metrics) {
                    if (m.ended.isWorseThan(worst.ended)) {
                        worst = m;
                    }
                }
                ended = finish(worst);
            }
        }
        for (Measurement m : taken) {
            if (!cancelled) {
                tell(m);
            }
        }
        if (ended != null) {
            result.complete(ended);
            return;
        }
        synchronized (this) {
            if (cancelled) {
                return;
            }
            // The next measurement is due one interval after this one started, whatever the measuring took.
            Duration wait = spec.interval().minus(Duration.between(started, at));
            pending = scheduler.schedule(wait.isNegative() ? Duration.ZERO : wait, this::tick);
        }
    }

    private void record(Measurement m) {
        measurements.add(m);
        if (measurements.size() > KEPT_MEASUREMENTS) {
            measurements.remove(0);
        }
    }

    private void tell(Measurement m) {
        try {
            listener.accept(m);
        } catch (RuntimeException e) {
            // A listener that throws must not stop the judging of a release.
            LOG.log(System.Logger.Level.WARNING, "analysis listener failed on " + m.describe(), e);
        }
    }

    private AnalysisResult finish(MetricState deciding) {
        Verdict verdict = deciding.ended;
        StringJoiner tally = new StringJoiner(", ", " [", "]");
        for (MetricState m : metrics) {
            tally.add(m.tally());
        }
        String message = "analysis " + verdict.shout() + ": "
                + (deciding.decidedBy == null ? deciding.name : deciding.decidedBy.describe()) + tally;
        return new AnalysisResult(verdict, message, measurements);
    }

    /** Counters of one metric within the run. */
    private final class MetricState {
        final String name;
        final MetricProvider provider;
        int taken;
        int successful;
        int failed;
        int errors;
        int inconclusive;
        /** The metric's verdict once it has ended; null while it is still measured. */
        Verdict ended;
        /** The measurement that ended it: the one to quote. */
        Measurement decidedBy;

        MetricState(String name, MetricProvider provider) {
            this.name = name;
            this.provider = provider;
        }

        /** Counts a measurement; true when it ends the metric. */
        boolean judge(Measurement m) {
            taken++;
            switch (m.verdict()) {
                case Successful -> successful++;
                case Inconclusive -> inconclusive++;
                case Error -> {
                    errors++;
                    failed++;
                }
                case Failed -> failed++;
            }
            if (failed > spec.failureLimit()) {
                ended = errors == failed ? Verdict.Error : Verdict.Failed;
            } else if (inconclusive > spec.inconclusiveLimit()) {
                ended = Verdict.Inconclusive;
            } else if (!spec.isUnbounded() && taken >= spec.count()) {
                ended = Verdict.Successful;
            } else {
                return false;
            }
            decidedBy = m;
            return true;
        }

        String tally() {
            StringJoiner j = new StringJoiner(", ", name + " " + taken + (spec.isUnbounded() ? "" : "/" + spec.count())
                    + " taken: ", "");
            j.add(successful + " successful");
            if (failed - errors > 0) {
                j.add((failed - errors) + " failed");
            }
            if (errors > 0) {
                j.add(errors + " errors");
            }
            if (inconclusive > 0) {
                j.add(inconclusive + " inconclusive");
            }
            return j.toString();
        }
    }
}
