package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.routing.Router;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import java.util.List;
import java.util.Map;

/** {@code GET /metrics}: the router's per-revision figures plus the runner's own gauges, in Prometheus text. */
final class MetricsApi {
    private final Router router;
    private final ObservedState observed;
    private final Database db;
    private final ReleaseRepository releases;

    MetricsApi(Router router, ObservedState observed, Database db, ReleaseRepository releases) {
        this.router = router;
        this.observed = observed;
        this.db = db;
        this.releases = releases;
    }

    void register(ApiServer server) {
        server.route("GET", "/metrics", ex -> ex.text(200, "text/plain; version=0.0.4; charset=utf-8", text()));
    }

    String text() {
        StringBuilder b = new StringBuilder(router.prometheusText());
        if (b.length() > 0 && b.charAt(b.length() - 1) != '\n') {
            b.append('\n');
        }
        Map<String, List<ObservedReplica>> all = observed.all();
        b.append("# HELP slipway_runner_apps Apps the runner keeps.\n# TYPE slipway_runner_apps gauge\n")
                .append("slipway_runner_apps ").append(all.size()).append('\n');
        b.append("# HELP slipway_runner_replicas Replicas by app, service, revision and readiness.\n")
                .append("# TYPE slipway_runner_replicas gauge\n");
        all.forEach((app, replicas) -> replicas.stream()
                .collect(java.util.stream.Collectors.groupingBy(r -> r.replica().service() + "\u0000"
                        + r.replica().revision() + "\u0000" + r.healthy(), java.util.TreeMap::new,
                        java.util.stream.Collectors.counting()))
                .forEach((key, count) -> {
                    String[] k = key.split("\u0000");
                    b.append("slipway_runner_replicas{app=\"").append(app).append("\",service=\"").append(k[0])
                            .append("\",revision=\"").append(k[1]).append("\",ready=\"").append(k[2]).append("\"} ")
                            .append(count).append('\n');
                }));
        int active = db.tx(releases::active).size();
        b.append("# HELP slipway_runner_releases_active Releases not finished.\n")
                .append("# TYPE slipway_runner_releases_active gauge\n")
                .append("slipway_runner_releases_active ").append(active).append('\n');
        Runtime rt = Runtime.getRuntime();
        b.append("# HELP slipway_runner_heap_used_bytes JVM heap in use.\n# TYPE slipway_runner_heap_used_bytes gauge\n")
                .append("slipway_runner_heap_used_bytes ").append(rt.totalMemory() - rt.freeMemory()).append('\n');
        return b.toString();
    }
}
