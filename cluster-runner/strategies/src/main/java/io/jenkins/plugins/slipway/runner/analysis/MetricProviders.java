package io.jenkins.plugins.slipway.runner.analysis;

import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Makes the provider for a metric spec (the factory of the three analysis layers). */
public final class MetricProviders {
    private MetricProviders() {
    }

    /**
     * @param metric  what to measure
     * @param release the release as it is now: routes (read once, they do not change during a release), and the
     *                new replicas to probe and the body a webhook receives (read at each measurement)
     * @param metrics the router's figures ({@code router::snapshot})
     * @param http    client for the http and webhook providers; the caller owns it (one per runner is enough)
     * @param clock   the run's clock
     */
    public static MetricProvider create(MetricSpec metric, Supplier<ReleaseContext> release, MetricsSource metrics,
                                        HttpClient http, Supplier<Instant> clock) {
        return create(metric, release, metrics, http, WebhookPolicy.publicOnly(), clock);
    }

    /** As above; a webhook may only reach what {@code webhooks} allows. */
    public static MetricProvider create(MetricSpec metric, Supplier<ReleaseContext> release, MetricsSource metrics,
                                        HttpClient http, WebhookPolicy webhooks, Supplier<Instant> clock) {
        if (metric instanceof MetricSpec.RouterMetric r) {
            ReleaseContext context = release.get();
            List<Supplier<MetricsSnapshot>> sources = new ArrayList<>();
            for (ReleaseContext.ServiceTarget s : context.services()) {
                if (s.route() != null) {
                    String route = s.route();
                    sources.add(() -> metrics.snapshot(route, context.newRevision()));
                }
            }
            return new RouterMetricProvider(r, sources, clock);
        }
        if (metric instanceof MetricSpec.HttpMetric h) {
            return new HttpMetricProvider(h, () -> release.get().allNewReplicas(), http);
        }
        return new WebhookMetricProvider((MetricSpec.WebhookMetric) metric, release, http, webhooks);
    }
}
