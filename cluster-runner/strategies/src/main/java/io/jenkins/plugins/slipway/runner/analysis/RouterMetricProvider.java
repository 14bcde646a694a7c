package io.jenkins.plugins.slipway.runner.analysis;

import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Judges the traffic the router saw for the new revision over each interval: request count, success rate and
 * latency, from two cumulative snapshots ({@code later.since(earlier)}). A service without a route is not
 * measured; with several routes (a multi-service release) their figures are added up and the worst latency kept.
 */
public final class RouterMetricProvider extends AbstractMetricProvider {
    private final MetricSpec.RouterMetric spec;
    private final List<Supplier<MetricsSnapshot>> sources;
    private final Supplier<Instant> clock;
    private List<MetricsSnapshot> baselines = List.of();
    private Instant since;

    /**
     * @param sources one per route carrying the new revision's traffic
     * @param clock   the run's clock, for the interval length shown in messages
     */
    public RouterMetricProvider(MetricSpec.RouterMetric spec, List<Supplier<MetricsSnapshot>> sources,
                                Supplier<Instant> clock) {
        this.spec = spec;
        this.sources = List.copyOf(sources);
        this.clock = clock;
    }

    @Override
    public String kind() {
        return "router";
    }

    @Override
    public synchronized void begin() {
        baselines = take();
        since = clock.get();
    }

    @Override
    protected synchronized CompletableFuture<Reading> doMeasure(int index) {
        if (sources.isEmpty()) {
            return CompletableFuture.completedFuture(Reading.error(
                    "no routed service to measure (router metrics need x-slipway.route)", thresholds()));
        }
        if (since == null) {
            begin();
        }
        List<MetricsSnapshot> now = take();
        long requests = 0;
        long failures = 0;
        double p50 = 0;
        double p95 = 0;
        double p99 = 0;
        for (int i = 0; i < now.size(); i++) {
            MetricsSnapshot interval = now.get(i).since(baselines.get(i));
            requests += interval.requests();
            failures += interval.failures();
            if (interval.requests() > 0) {
                p50 = Math.max(p50, interval.latencyMillis(50));
                p95 = Math.max(p95, interval.latencyMillis(95));
                p99 = Math.max(p99, interval.latencyMillis(99));
            }
        }
        Instant end = clock.get();
        Duration window = Duration.between(since, end);
        baselines = now;
        since = end;
        return CompletableFuture.completedFuture(judge(spec, new Traffic(requests, failures, p50, p95, p99), window));
    }

    private List<MetricsSnapshot> take() {
        List<MetricsSnapshot> list = new ArrayList<>(sources.size());
        for (Supplier<MetricsSnapshot> s : sources) {
            list.add(s.get());
        }
        return list;
    }

    @Override
    protected Map<String, Object> thresholds() {
        return thresholds(spec);
    }

    /** Traffic of one interval. */
    public record Traffic(long requests, long failures, double p50Ms, double p95Ms, double p99Ms) {
        public double successRate() {
            return requests == 0 ? 1.0 : (double) (requests - failures) / requests;
        }
    }

    /**
     * The judgement, pure: too few requests is Inconclusive with the numbers said out loud (never a pass); otherwise
     * each configured threshold is checked and any miss is Failed.
     */
    public static Reading judge(MetricSpec.RouterMetric spec, Traffic t, Duration window) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("requests", t.requests());
        values.put("failures", t.failures());
        values.put("successRate", Figures.round4(t.successRate()));
        values.put("p50Ms", Figures.round1(t.p50Ms()));
        values.put("p95Ms", Figures.round1(t.p95Ms()));
        values.put("p99Ms", Figures.round1(t.p99Ms()));
        values.put("intervalMs", window.toMillis());
        Map<String, Object> thresholds = thresholds(spec);
        if (t.requests() < spec.minRequests()) {
            String msg = "only " + t.requests() + (t.requests() == 1 ? " request" : " requests") + " in "
                    + Figures.duration(window) + ", fewer than minRequests " + spec.minRequests()
                    + ": " + Verdict.Inconclusive.shout() + " (too little traffic to judge; send traffic to the new "
                    + "revision or lower minRequests)";
            return new Reading(Verdict.Inconclusive, values, thresholds, msg);
        }
        boolean rateOk = spec.minSuccessRate() == null || t.successRate() >= spec.minSuccessRate();
        boolean p99Ok = spec.maxP99Ms() == null || t.p99Ms() <= spec.maxP99Ms();
        String rate = spec.minSuccessRate() == null ? null
                : "success rate " + Figures.percent(t.successRate(), spec.minSuccessRate()) + (rateOk ? " >= " : " < ")
                  + Figures.percent(spec.minSuccessRate(), t.successRate());
        String latency = spec.maxP99Ms() == null ? null
                : "p99 " + Figures.millis(t.p99Ms()) + (p99Ok ? " <= " : " > ") + spec.maxP99Ms() + " ms";
        Verdict verdict = rateOk && p99Ok ? Verdict.Successful : Verdict.Failed;
        // The threshold that decided comes first; the other one follows in brackets.
        String lead;
        String aside;
        if (rate != null && (!rateOk || p99Ok || latency == null)) {
            lead = rate;
            aside = latency;
        } else {
            lead = latency;
            aside = rate;
        }
        String msg = lead + " over " + t.requests() + " requests" + (aside == null ? "" : " (" + aside + ")")
                + ": " + verdict.shout();
        return new Reading(verdict, values, thresholds, msg);
    }

    private static Map<String, Object> thresholds(MetricSpec.RouterMetric spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (spec.minSuccessRate() != null) {
            m.put("successRate", spec.minSuccessRate());
        }
        if (spec.maxP99Ms() != null) {
            m.put("maxP99Ms", spec.maxP99Ms());
        }
        m.put("minRequests", spec.minRequests());
        return m;
    }
}
