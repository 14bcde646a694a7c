package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.autoscale.Autoscaler;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.routing.Router;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code GET /metrics} in the Prometheus text format, from one registry: the router's per-revision figures, the
 * runner's own gauges and the JVM and process metrics of the Prometheus Java client. Every figure is read when
 * scraped; nothing here runs on a request's path through the router.
 */
final class MetricsApi {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsApi(Router router, ObservedState observed, Database db, ReleaseRepository releases, Autoscaler autoscaler) {
        registry.register(router.metrics());
        registry.register(new RunnerGauges(observed, db, releases));
        registry.register(new AutoscaleGauges(autoscaler));
        JvmMetrics.builder().register(registry);
    }

    void register(ApiServer server) {
        server.route("GET", "/metrics", ex -> ex.bytes(200, writer.getContentType(), scrape()));
    }

    byte[] scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
        return out.toByteArray();
    }

    /** The autoscaler's last figures per autoscaled service: replicas set and decided, measures and targets. */
    private record AutoscaleGauges(Autoscaler autoscaler) implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            GaugeSnapshot.Builder current = GaugeSnapshot.builder().name("slipway_autoscale_current_replicas")
                    .help("Replicas an autoscaled service was set to have at the autoscaler's last pass.");
            GaugeSnapshot.Builder desired = GaugeSnapshot.builder().name("slipway_autoscale_desired_replicas")
                    .help("Replicas the autoscaler decided on at its last pass.");
            GaugeSnapshot.Builder measured = GaugeSnapshot.builder().name("slipway_autoscale_measured_per_replica")
                    .help("Measured value per ready replica, by target (requestsPerSecond, inFlight,"
                            + " cpuPercent, memoryPercent).");
            GaugeSnapshot.Builder target = GaugeSnapshot.builder().name("slipway_autoscale_target_per_replica")
                    .help("Target value per replica, by target.");
            autoscaler.all().forEach((app, services) -> services.forEach((service, a) -> {
                Labels labels = Labels.of("app", app, "service", service);
                if (a.current() >= 0) {
                    current.dataPoint(point(labels, a.current()));
                    desired.dataPoint(point(labels, a.desired()));
                }
                a.measured().forEach((key, v) -> measured.dataPoint(point(labels.add("target", key), v)));
                a.targets().forEach((key, v) -> target.dataPoint(point(labels.add("target", key), v)));
            }));
            return MetricSnapshots.of(current.build(), desired.build(), measured.build(), target.build());
        }

        private static GaugeDataPointSnapshot point(Labels labels, double value) {
            return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
        }
    }

    /** What the runner keeps: apps, their replicas by readiness, releases under way, heap in use. */
    private record RunnerGauges(ObservedState observed, Database db, ReleaseRepository releases)
            implements MultiCollector {
        @Override
        public MetricSnapshots collect() {
            Map<String, List<ObservedReplica>> all = observed.all();
            GaugeSnapshot.Builder replicas = GaugeSnapshot.builder().name("slipway_runner_replicas")
                    .help("Replicas by app, service, revision and readiness.");
            all.forEach((app, list) -> list.stream()
                    .collect(Collectors.groupingBy(r -> Labels.of("app", app, "service", r.replica().service(),
                            "revision", String.valueOf(r.replica().revision()), "ready", String.valueOf(r.healthy())),
                            TreeMap::new, Collectors.counting()))
                    .forEach((labels, count) -> replicas.dataPoint(
                            GaugeDataPointSnapshot.builder().labels(labels).value(count).build())));
            Runtime rt = Runtime.getRuntime();
            return MetricSnapshots.of(
                    gauge("slipway_runner_apps", "Apps the runner keeps.", all.size()),
                    replicas.build(),
                    gauge("slipway_runner_releases_active", "Releases not finished.", db.tx(releases::active).size()),
                    gauge("slipway_runner_heap_used_bytes", "JVM heap in use.", rt.totalMemory() - rt.freeMemory()));
        }

        private static GaugeSnapshot gauge(String name, String help, double value) {
            return GaugeSnapshot.builder().name(name).help(help)
                    .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
        }
    }
}
