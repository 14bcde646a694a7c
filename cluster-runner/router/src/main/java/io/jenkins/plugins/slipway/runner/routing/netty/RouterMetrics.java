package io.jenkins.plugins.slipway.runner.routing.netty;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The router's figures as Prometheus metrics, read from the per-revision snapshots when scraped: the request
 * path keeps its own per-event-loop counters and never touches a metrics library. Latency is a summary whose
 * quantiles cover every request since the route was created (HdrHistogram, 1% precision): analysis takes
 * intervals from snapshots, so the scrape does not need sliding windows.
 */
final class RouterMetrics implements MultiCollector {
    private static final double[] QUANTILES = {0.5, 0.95, 0.99};
    private static final String[] STATES = {"healthy", "unhealthy", "ejected", "draining"};

    private final Supplier<Collection<RouteServer>> routes;

    RouterMetrics(Supplier<Collection<RouteServer>> routes) {
        this.routes = routes;
    }

    @Override
    public MetricSnapshots collect() {
        Map<String, RouteServer> sorted = new TreeMap<>();
        routes.get().forEach(r -> sorted.put(r.name(), r));
        CounterSnapshot.Builder requests = CounterSnapshot.builder().name("slipway_router_requests")
                .help("Requests routed, by status class of the answer (none: no backend answered).");
        CounterSnapshot.Builder failures = CounterSnapshot.builder().name("slipway_router_request_failures")
                .help("Requests answered 5xx or not answered at all.");
        SummarySnapshot.Builder duration = SummarySnapshot.builder().name("slipway_router_request_duration_seconds")
                .help("Time from request received to answer complete.");
        sorted.forEach((route, r) -> r.allMetrics().forEach((revision, m) -> {
            RevisionSnapshot s = m.snapshot();
            // Revision "" holds requests that found no revision at all; shown only when there were some.
            if (revision.isEmpty() && s.requests() == 0) {
                return;
            }
            Labels labels = Labels.of("route", route, "revision", revision);
            for (int c = 0; c < RevisionMetrics.CODE_CLASSES.length; c++) {
                long n = s.requests(c);
                if (n > 0) {
                    requests.dataPoint(CounterDataPointSnapshot.builder()
                            .labels(labels.add("code_class", RevisionMetrics.CODE_CLASSES[c])).value(n).build());
                }
            }
            failures.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(s.failures()).build());
            Quantiles.Builder quantiles = Quantiles.builder();
            for (double q : QUANTILES) {
                quantiles.quantile(new Quantile(q, s.latencyMillis(q * 100) / 1000.0));
            }
            duration.dataPoint(SummaryDataPointSnapshot.builder().labels(labels).quantiles(quantiles.build())
                    .sum(s.latencySumMicros() / 1e6).count(s.requests()).build());
        }));
        return MetricSnapshots.of(requests.build(), failures.build(), duration.build(), backends(sorted));
    }

    /**
     * Backends per revision by state: healthy (the runner holds it healthy and the router has not ejected it),
     * unhealthy (held unhealthy by the runner), ejected (taken out by the router's outlier detection), or removed
     * but still draining.
     */
    private static GaugeSnapshot backends(Map<String, RouteServer> routes) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name("slipway_router_backends")
                .help("Backends per revision by state.");
        routes.forEach((route, r) -> {
            Map<String, int[]> counts = new TreeMap<>();
            RouteTable t = r.table();
            for (int i = 0; i < t.revisions.length; i++) {
                int[] c = counts.computeIfAbsent(t.revisions[i], k -> new int[STATES.length]);
                for (BackendState b : t.byRevision[i]) {
                    c[b.ejected() ? 2 : b.adminHealthy ? 0 : 1]++;
                }
            }
            for (BackendState b : r.states()) {
                if (b.removed && b.inFlight() > 0) {
                    counts.computeIfAbsent(b.backend.revision(), k -> new int[STATES.length])[3]++;
                }
            }
            counts.forEach((revision, c) -> {
                for (int s = 0; s < STATES.length; s++) {
                    gauge.dataPoint(GaugeDataPointSnapshot.builder()
                            .labels(Labels.of("route", route, "revision", revision, "state", STATES[s])).value(c[s])
                            .build());
                }
            });
        });
        return gauge.build();
    }
}
