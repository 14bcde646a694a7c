package io.jenkins.plugins.slipway.runner.routing.netty;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders the router's figures in the Prometheus text exposition format (version 0.0.4). Latency is a summary
 * whose quantiles cover every request since the route was created (HdrHistogram, 1% precision): analysis
 * takes intervals from snapshots, so the scrape does not need sliding windows.
 */
final class PrometheusText {
    private static final double[] QUANTILES = {0.5, 0.95, 0.99};
    private static final String[] STATES = {"healthy", "unhealthy", "ejected", "draining"};

    private PrometheusText() {
    }

    static String render(Collection<RouteServer> routes) {
        Map<String, RouteServer> sorted = new TreeMap<>();
        routes.forEach(r -> sorted.put(r.name(), r));
        Map<String, Map<String, RevisionSnapshot>> snaps = new TreeMap<>();
        sorted.forEach((name, r) -> {
            Map<String, RevisionSnapshot> byRevision = new TreeMap<>();
            r.allMetrics().forEach((rev, m) -> {
                RevisionSnapshot s = m.snapshot();
                // Revision "" holds requests that found no revision at all; shown only when there were some.
                if (!rev.isEmpty() || s.requests() > 0) {
                    byRevision.put(rev, s);
                }
            });
            snaps.put(name, byRevision);
        });
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP slipway_router_requests_total Requests routed, by status class of the answer (none: no backend answered).\n");
        sb.append("# TYPE slipway_router_requests_total counter\n");
        snaps.forEach((route, revs) -> revs.forEach((rev, s) -> {
            for (int c = 0; c < RevisionMetrics.CODE_CLASSES.length; c++) {
                long n = s.requests(c);
                if (n > 0) {
                    sb.append("slipway_router_requests_total{route=\"").append(esc(route)).append("\",revision=\"")
                            .append(esc(rev)).append("\",code_class=\"").append(RevisionMetrics.CODE_CLASSES[c])
                            .append("\"} ").append(n).append('\n');
                }
            }
        }));
        sb.append("# HELP slipway_router_request_failures_total Requests answered 5xx or not answered at all.\n");
        sb.append("# TYPE slipway_router_request_failures_total counter\n");
        snaps.forEach((route, revs) -> revs.forEach((rev, s) -> sb.append("slipway_router_request_failures_total")
                .append(labels(route, rev)).append(' ').append(s.failures()).append('\n')));
        sb.append("# HELP slipway_router_request_duration_seconds Time from request received to answer complete.\n");
        sb.append("# TYPE slipway_router_request_duration_seconds summary\n");
        snaps.forEach((route, revs) -> revs.forEach((rev, s) -> {
            for (double q : QUANTILES) {
                sb.append("slipway_router_request_duration_seconds{route=\"").append(esc(route))
                        .append("\",revision=\"").append(esc(rev)).append("\",quantile=\"").append(q).append("\"} ")
                        .append(s.latencyMillis(q * 100) / 1000.0).append('\n');
            }
            sb.append("slipway_router_request_duration_seconds_sum").append(labels(route, rev)).append(' ')
                    .append(s.latencySumMicros() / 1e6).append('\n');
            sb.append("slipway_router_request_duration_seconds_count").append(labels(route, rev)).append(' ')
                    .append(s.requests()).append('\n');
        }));
        sb.append("# HELP slipway_router_backends Backends per revision by state.\n");
        sb.append("# TYPE slipway_router_backends gauge\n");
        sorted.forEach((route, r) -> {
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
            counts.forEach((rev, c) -> {
                for (int s = 0; s < STATES.length; s++) {
                    sb.append("slipway_router_backends{route=\"").append(esc(route)).append("\",revision=\"")
                            .append(esc(rev)).append("\",state=\"").append(STATES[s]).append("\"} ").append(c[s])
                            .append('\n');
                }
            });
        });
        return sb.toString();
    }

    private static String labels(String route, String rev) {
        return "{route=\"" + esc(route) + "\",revision=\"" + esc(rev) + "\"}";
    }

    private static String esc(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
