package io.jenkins.plugins.slipway.runner.analysis;

import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * GETs a path on every replica of the new revision (each one, not through the router, so that one bad replica can
 * not hide behind good ones) and expects a status within the timeout. The replicas are asked for at each
 * measurement: a canary that scales up between two measurements has its new replicas probed too.
 */
public final class HttpMetricProvider extends AbstractMetricProvider {
    private final MetricSpec.HttpMetric spec;
    private final Supplier<List<ReleaseContext.Endpoint>> replicas;
    private final HttpClient http;

    /** Probes the same replicas at every measurement. */
    public HttpMetricProvider(MetricSpec.HttpMetric spec, List<ReleaseContext.Endpoint> replicas, HttpClient http) {
        this(spec, fixed(List.copyOf(replicas)), http);
    }

    /** Probes the replicas {@code replicas} answers at each measurement. */
    public HttpMetricProvider(MetricSpec.HttpMetric spec, Supplier<List<ReleaseContext.Endpoint>> replicas,
                              HttpClient http) {
        this.spec = spec;
        this.replicas = replicas;
        this.http = http;
    }

    private static Supplier<List<ReleaseContext.Endpoint>> fixed(List<ReleaseContext.Endpoint> replicas) {
        return () -> replicas;
    }

    @Override
    public String kind() {
        return "http";
    }

    @Override
    protected Duration deadline() {
        return spec.timeout().plusSeconds(5);
    }

    @Override
    protected Map<String, Object> thresholds() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("expectStatus", spec.expectStatus());
        m.put("timeoutMs", spec.timeout().toMillis());
        return m;
    }

    @Override
    protected CompletableFuture<Reading> doMeasure(int index) {
        List<ReleaseContext.Endpoint> replicas = List.copyOf(this.replicas.get());
        if (replicas.isEmpty()) {
            return CompletableFuture.completedFuture(
                    Reading.error("GET " + spec.path() + ": no replica of the new revision to probe", thresholds()));
        }
        List<CompletableFuture<Probe>> probes = new ArrayList<>();
        for (ReleaseContext.Endpoint e : replicas) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + e + spec.path()))
                    .timeout(spec.timeout()).GET().build();
            probes.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, failure) -> failure == null
                            ? new Probe(e, response.statusCode(), null)
                            : new Probe(e, 0, describe(failure))));
        }
        return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> judge(probes.stream().map(CompletableFuture::join).toList()));
    }

    private String describe(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof HttpTimeoutException) {
            return "did not answer within " + Figures.duration(spec.timeout());
        }
        return "could not be reached (" + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")";
    }

    /** One replica's answer: a status, or why there was none. */
    record Probe(ReleaseContext.Endpoint replica, int status, String failure) {
    }

    private Reading judge(List<Probe> probes) {
        Map<String, Object> statuses = new LinkedHashMap<>();
        int ok = 0;
        Verdict verdict = Verdict.Successful;
        Probe worst = null;
        for (Probe p : probes) {
            statuses.put(p.replica().toString(), p.failure() == null ? p.status() : p.failure());
            Verdict v = p.failure() != null ? Verdict.Error
                    : p.status() == spec.expectStatus() ? Verdict.Successful : Verdict.Failed;
            if (v == Verdict.Successful) {
                ok++;
            } else if (worst == null || v.isWorseThan(verdict)) {
                worst = p;
            }
            verdict = Verdict.worst(verdict, v);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("ok", ok);
        values.put("probed", probes.size());
        values.put("statuses", statuses);
        String msg;
        if (worst == null) {
            msg = "GET " + spec.path() + ": " + ok + "/" + probes.size() + " replicas answered " + spec.expectStatus();
        } else if (worst.failure() != null) {
            msg = "GET " + spec.path() + ": " + worst.replica() + " " + worst.failure() + " (" + ok + "/"
                    + probes.size() + " answered " + spec.expectStatus() + ")";
        } else {
            msg = "GET " + spec.path() + ": " + worst.replica() + " answered " + worst.status() + ", expected "
                    + spec.expectStatus() + " (" + ok + "/" + probes.size() + " ok)";
        }
        return new Reading(verdict, values, thresholds(), msg + ": " + verdict.shout());
    }
}
