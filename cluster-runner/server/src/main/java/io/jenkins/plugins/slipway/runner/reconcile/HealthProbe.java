package io.jenkins.plugins.slipway.runner.reconcile;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Capabilities;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Decides whether a running replica is ready: the engine's health check when the service has one (and the engine
 * runs health checks), else an HTTP GET of the route's {@code healthPath} on its target port at the endpoint the
 * engine reports, answering 2xx/3xx within the route's {@code healthTimeout}, else running is enough.
 */
final class HealthProbe {
    private final HttpClient http = HttpClient.newBuilder().build();
    private final boolean engineChecksHealth;

    /** For an engine that runs health checks itself. */
    HealthProbe() {
        this(new Capabilities(false, false, true));
    }

    HealthProbe(Capabilities engine) {
        this.engineChecksHealth = engine.healthChecks();
    }

    /** Verdict and how it was reached. */
    record Verdict(boolean healthy, String detail) {
    }

    Verdict check(Replica r, ServiceSpec spec) {
        if (r.state() != Replica.State.RUNNING) {
            return new Verdict(false, "container " + r.state().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (engineChecksHealth && r.health() != Replica.Health.NONE) {
            return new Verdict(r.health() == Replica.Health.HEALTHY,
                    "health check " + r.health().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (spec != null && spec.route() != null) {
            Endpoint endpoint = r.endpoint(spec.route().targetPort());
            if (endpoint == null) {
                return new Verdict(false, "port " + spec.route().targetPort() + " not published");
            }
            return probe(endpoint, spec.route());
        }
        return new Verdict(true, "running, no health check");
    }

    private Verdict probe(Endpoint endpoint, ServiceSpec.Route route) {
        Duration timeout = route.healthTimeout();
        // The default path stays out of messages, so they read as they did before the path could be set.
        String target = ":" + route.targetPort()
                + (route.healthPath().equals(ServiceSpec.Route.DEFAULT_HEALTH_PATH) ? "" : route.healthPath());
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<Void>> call = http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://" + endpoint.authority() + route.healthPath()))
                        .timeout(timeout).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        try {
            // The request timeout alone does not bound connecting; waiting on the call bounds the whole probe.
            HttpResponse<Void> rsp = call.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            boolean ok = rsp.statusCode() >= 200 && rsp.statusCode() < 400;
            return new Verdict(ok, "http probe " + rsp.statusCode() + " on " + target + " in " + ms + " ms");
        } catch (TimeoutException e) {
            call.cancel(true);
            return new Verdict(false, "http probe on " + target + " got no answer within "
                    + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Verdict(false, "http probe on " + target + " failed: " + cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return new Verdict(false, "http probe interrupted");
        }
    }
}
