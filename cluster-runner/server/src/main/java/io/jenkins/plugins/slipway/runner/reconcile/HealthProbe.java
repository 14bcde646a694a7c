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
 * engine reports, answering 2xx/3xx within the route's {@code healthTimeout}, else running is enough. HTTP probe
 * results go through {@link ProbeHysteresis}: one slow probe on a busy machine does not make a ready replica
 * unready. (The engine's health check has retries of its own.)
 */
final class HealthProbe {
    private final HttpClient http = HttpClient.newBuilder().build();
    private final ProbeHysteresis hysteresis = new ProbeHysteresis();
    private final boolean engineChecksHealth;

    /** For an engine that runs health checks itself. */
    HealthProbe() {
        this(new Capabilities(false, false, true, false));
    }

    HealthProbe(Capabilities engine) {
        this.engineChecksHealth = engine.healthChecks();
    }

    /**
     * Verdict and how it was reached.
     *
     * @param servedBefore the replica was ready at some point since it started (so it is worth keeping in its
     *                     route, marked unhealthy, when it is not ready now)
     */
    record Verdict(boolean healthy, String detail, boolean servedBefore) {
        Verdict(boolean healthy, String detail) {
            this(healthy, detail, healthy);
        }
    }

    /** Forgets the probe history of replicas not in {@code replicaIds}. */
    void retainOnly(java.util.Set<String> replicaIds) {
        hysteresis.retainOnly(replicaIds);
    }

    Verdict check(Replica r, ServiceSpec spec) {
        if (r.state() != Replica.State.RUNNING) {
            return new Verdict(false, "container " + r.state().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (engineChecksHealth && r.health() != Replica.Health.NONE) {
            ProbeHysteresis.Result engine = hysteresis.record(r.id(), r.health() == Replica.Health.HEALTHY);
            return new Verdict(engine.ready(), "health check " + r.health().name().toLowerCase(java.util.Locale.ROOT),
                    engine.servedBefore());
        }
        if (spec != null && spec.route() != null) {
            Endpoint endpoint = r.endpoint(spec.route().targetPort());
            if (endpoint == null) {
                return new Verdict(false, "port " + spec.route().targetPort() + " not published");
            }
            Verdict once = probe(endpoint, spec.route());
            ProbeHysteresis.Result streak = hysteresis.observe(r.id(), once.healthy());
            if (once.healthy() || !streak.ready()) {
                return new Verdict(streak.ready(), once.detail(), streak.servedBefore());
            }
            return new Verdict(true, once.detail() + " (" + streak.failures() + " of "
                    + ProbeHysteresis.FAILURES_TO_UNREADY + " failures in a row: still ready)", true);
        }
        return new Verdict(true, "running, no health check");
    }

    private static Verdict noAnswer(String target, Duration timeout) {
        return new Verdict(false, "http probe on " + target + " got no answer within " + timeout.toMillis() + " ms");
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
            return noAnswer(target, timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException) {
                // The request's own timeout equals the wait's; on a busy machine it can fire first. Same verdict.
                return noAnswer(target, timeout);
            }
            return new Verdict(false, "http probe on " + target + " failed: " + cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            return new Verdict(false, "http probe interrupted");
        }
    }
}
