package io.jenkins.plugins.slipway.runner.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * POSTs the release context as JSON to a URL the user owns (a test suite, a gate) and passes on any 2xx answer.
 * Messages name the endpoint without its query string, which may carry a token. The URL is called only where the
 * runner's {@link WebhookPolicy} allows, checked on the resolved addresses before every call; redirects are never
 * followed (a 3xx fails the measurement).
 */
public final class WebhookMetricProvider extends AbstractMetricProvider {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricSpec.WebhookMetric spec;
    private final Supplier<ReleaseContext> context;
    private final HttpClient http;
    private final WebhookPolicy policy;

    public WebhookMetricProvider(MetricSpec.WebhookMetric spec, ReleaseContext context, HttpClient http,
                                 WebhookPolicy policy) {
        this(spec, () -> context, http, policy);
    }

    /**
     * Sends the release as {@code context} answers at each measurement (its new replicas as they are then).
     *
     * @throws IllegalArgumentException when {@code http} follows redirects
     */
    public WebhookMetricProvider(MetricSpec.WebhookMetric spec, Supplier<ReleaseContext> context, HttpClient http,
                                 WebhookPolicy policy) {
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("a webhook client must not follow redirects");
        }
        this.spec = spec;
        this.context = context;
        this.http = http;
        this.policy = policy;
    }

    @Override
    public String kind() {
        return "webhook";
    }

    @Override
    protected Duration deadline() {
        return spec.timeout().plusSeconds(5);
    }

    @Override
    protected Map<String, Object> thresholds() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("expectStatus", "2xx");
        m.put("timeoutMs", spec.timeout().toMillis());
        return m;
    }

    /** The JSON body: the release context, the metric and which measurement this is. */
    public static String body(ReleaseContext c, String metric, int index) throws JsonProcessingException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("app", c.app());
        body.put("release", c.releaseId());
        body.put("stableRevision", c.stableRevision());
        body.put("newRevision", c.newRevision());
        body.put("step", c.step());
        body.put("metric", metric);
        body.put("measurement", index);
        body.put("services", c.services().stream().map(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("service", s.service());
            m.put("route", s.route());
            m.put("newReplicas", s.newReplicas().stream().map(ReleaseContext.Endpoint::toString).toList());
            return m;
        }).toList());
        return JSON.writeValueAsString(body);
    }

    @Override
    protected CompletableFuture<Reading> doMeasure(int index) throws JsonProcessingException {
        HttpRequest request = HttpRequest.newBuilder(spec.url()).timeout(spec.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "slipway-runner-analysis")
                .POST(HttpRequest.BodyPublishers.ofString(body(context.get(), spec.name(), index)))
                .build();
        String target = "webhook " + withoutQuery(spec.url());
        try {
            policy.check(spec.url());
        } catch (WebhookPolicy.Refused e) {
            return CompletableFuture.completedFuture(new Reading(Verdict.Error, new LinkedHashMap<>(), thresholds(),
                    target + " not called: " + e.getMessage() + ": " + Verdict.Error.shout()));
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            Map<String, Object> values = new LinkedHashMap<>();
            if (failure != null) {
                Throwable t = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                String why = t instanceof HttpTimeoutException
                        ? "did not answer within " + Figures.duration(spec.timeout())
                        : "could not be reached (" + t.getClass().getSimpleName() + ")";
                return new Reading(Verdict.Error, values, thresholds(), target + " " + why + ": " + Verdict.Error.shout());
            }
            int status = response.statusCode();
            values.put("status", status);
            Verdict v = status >= 200 && status < 300 ? Verdict.Successful : Verdict.Failed;
            return new Reading(v, values, thresholds(), target + " answered " + status
                    + (v == Verdict.Successful ? " (2xx)" : status >= 300 && status < 400
                    ? " (redirects are not followed), expected 2xx" : ", expected 2xx") + ": " + v.shout());
        });
    }

    static String withoutQuery(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }
}
