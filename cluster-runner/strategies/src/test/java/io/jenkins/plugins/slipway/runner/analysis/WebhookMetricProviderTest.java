package io.jenkins.plugins.slipway.runner.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookMetricProviderTest {
    private static final WebhookPolicy LOOPBACK = WebhookPolicy.allowing(List.of("127.0.0.1/32"));
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<LoopbackServer> servers = new ArrayList<>();
    private final ReleaseContext context = new ReleaseContext("shop", "r-9", "3", "4", 2, List.of(
            new ReleaseContext.ServiceTarget("web", "shop/web", List.of(new ReleaseContext.Endpoint("127.0.0.1", 32001))),
            new ReleaseContext.ServiceTarget("worker", null, List.of())));

    @AfterEach
    void stop() {
        servers.forEach(LoopbackServer::close);
    }

    private Reading call(LoopbackServer s, String query, Duration timeout) {
        servers.add(s);
        URI url = URI.create("http://127.0.0.1:" + s.port() + "/gate" + query);
        return new WebhookMetricProvider(new MetricSpec.WebhookMetric("gate", url, timeout), context, http, LOOPBACK)
                .measure(3).join();
    }

    @Test
    void a2xxPassesAndTheReleaseContextIsPosted() throws IOException {
        LoopbackServer s = new LoopbackServer(202);
        Reading r = call(s, "", Duration.ofSeconds(5));
        assertThat(r.verdict()).isEqualTo(Verdict.Successful);
        assertThat(r.message()).isEqualTo("webhook http://127.0.0.1:" + s.port() + "/gate answered 202 (2xx): SUCCESSFUL");
        assertThat(s.requests).containsExactly("POST /gate");
        JsonNode body = new ObjectMapper().readTree(s.bodies.get(0));
        assertThat(body.get("app").asText()).isEqualTo("shop");
        assertThat(body.get("release").asText()).isEqualTo("r-9");
        assertThat(body.get("stableRevision").asText()).isEqualTo("3");
        assertThat(body.get("newRevision").asText()).isEqualTo("4");
        assertThat(body.get("step").asInt()).isEqualTo(2);
        assertThat(body.get("metric").asText()).isEqualTo("gate");
        assertThat(body.get("measurement").asInt()).isEqualTo(3);
        assertThat(body.get("services").get(0).get("newReplicas").get(0).asText()).isEqualTo("127.0.0.1:32001");
        assertThat(body.get("services").get(1).get("route").isNull()).isTrue();
    }

    @Test
    void anyOtherStatusFailsAndTheQueryStringIsNeverShown() throws IOException {
        LoopbackServer s = new LoopbackServer(409);
        Reading r = call(s, "?token=s3cret", Duration.ofSeconds(5));
        assertThat(r.verdict()).isEqualTo(Verdict.Failed);
        assertThat(r.message()).isEqualTo("webhook http://127.0.0.1:" + s.port() + "/gate answered 409, expected 2xx: FAILED");
        assertThat(r.values()).containsEntry("status", 409);
        assertThat(s.requests).containsExactly("POST /gate?token=s3cret");
    }

    @Test
    void noAnswerInTimeIsAnError() throws IOException {
        LoopbackServer s = LoopbackServer.hanging();
        Reading r = call(s, "?token=s3cret", Duration.ofMillis(250));
        assertThat(r.verdict()).isEqualTo(Verdict.Error);
        assertThat(r.message()).isEqualTo("webhook http://127.0.0.1:" + s.port() + "/gate did not answer within 250ms: ERROR");
    }

    @Test
    void anUnreachableWebhookIsAnError() throws IOException {
        LoopbackServer s = new LoopbackServer(200);
        s.close();
        Reading r = call(s, "", Duration.ofSeconds(2));
        assertThat(r.verdict()).isEqualTo(Verdict.Error);
        assertThat(r.message()).startsWith("webhook http://127.0.0.1:" + s.port() + "/gate could not be reached (");
    }
}
