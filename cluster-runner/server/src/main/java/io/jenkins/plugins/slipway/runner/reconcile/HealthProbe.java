package io.jenkins.plugins.slipway.runner.reconcile;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Decides whether a running replica is ready: the engine's health check when the service has one, else an
 * HTTP GET on the route's target port through its 127.0.0.1 published port, else running is enough.
 */
final class HealthProbe {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** Verdict and how it was reached. */
    record Verdict(boolean healthy, String detail) {
    }

    Verdict check(Replica r, ServiceSpec spec) {
        if (r.state() != Replica.State.RUNNING) {
            return new Verdict(false, "container " + r.state().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (r.health() != Replica.Health.NONE) {
            return new Verdict(r.health() == Replica.Health.HEALTHY,
                    "health check " + r.health().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (spec != null && spec.route() != null) {
            Integer hostPort = r.hostPorts().get(spec.route().targetPort());
            if (hostPort == null) {
                return new Verdict(false, "port " + spec.route().targetPort() + " not published");
            }
            return probe(hostPort, spec.route().targetPort());
        }
        return new Verdict(true, "running, no health check");
    }

    private Verdict probe(int hostPort, int targetPort) {
        long start = System.nanoTime();
        try {
            HttpResponse<Void> rsp = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hostPort + "/"))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding());
            long ms = (System.nanoTime() - start) / 1_000_000;
            boolean ok = rsp.statusCode() >= 200 && rsp.statusCode() < 400;
            return new Verdict(ok, "http probe " + rsp.statusCode() + " on :" + targetPort + " in " + ms + " ms");
        } catch (java.io.IOException e) {
            return new Verdict(false, "http probe on :" + targetPort + " failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Verdict(false, "http probe interrupted");
        }
    }
}
