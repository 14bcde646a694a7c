package io.jenkins.plugins.slipway.runner.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A webhook cannot be pointed at what only the runner reaches, unless the operator allowed it. */
class WebhookPolicyTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<LoopbackServer> servers = new ArrayList<>();
    private final ReleaseContext context = new ReleaseContext("shop", "r-1", "1", "2", 1, List.of());

    @AfterEach
    void stop() {
        servers.forEach(LoopbackServer::close);
    }

    private LoopbackServer server(int status) throws IOException {
        LoopbackServer s = new LoopbackServer(status);
        servers.add(s);
        return s;
    }

    private Reading measure(String url, WebhookPolicy policy) {
        return new WebhookMetricProvider(new MetricSpec.WebhookMetric("gate", URI.create(url), Duration.ofSeconds(5)),
                context, http, policy).measure(1).join();
    }

    @Test
    void byDefaultTheRunnersOwnLoopbackIsNotCalled() throws IOException {
        LoopbackServer s = server(200);
        for (String host : List.of("127.0.0.1", "localhost", "[::ffff:127.0.0.1]")) {
            Reading r = measure("http://" + host + ":" + s.port() + "/gate?token=s3cret", WebhookPolicy.publicOnly());
            assertThat(r.verdict()).as(host).isEqualTo(Verdict.Error);
            assertThat(r.message()).as(host).contains("not called").contains("loopback address the runner's operator"
                    + " did not allow (serve --webhook-allow)").doesNotContain("s3cret");
        }
        assertThat(s.requests).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"169.254.169.254", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "0.0.0.0",
            "[::1]", "[fd00:ec2::254]", "[fe80::1]", "[::ffff:169.254.169.254]", "224.0.0.1", "255.255.255.255"})
    void metadataPrivateAndReservedAddressesAreRefused(String host) {
        assertThatThrownBy(() -> WebhookPolicy.publicOnly().check(URI.create("http://" + host + "/latest/meta-data")))
                .isInstanceOf(WebhookPolicy.Refused.class).hasMessageContaining("did not allow");
    }

    @Test
    void publicAddressesPassAndOnlyHttpSchemesAreCalled() throws Exception {
        WebhookPolicy.publicOnly().check(URI.create("https://93.184.216.34/hook"));
        WebhookPolicy.publicOnly().check(URI.create("http://[2606:4700::1111]/hook"));
        assertThatThrownBy(() -> WebhookPolicy.publicOnly().check(URI.create("file:///etc/passwd")))
                .isInstanceOf(WebhookPolicy.Refused.class).hasMessageContaining("only http and https");
    }

    @Test
    void theOperatorAllowsRangesAndHostNames() throws Exception {
        LoopbackServer s = server(204);
        assertThat(measure("http://127.0.0.1:" + s.port() + "/gate", WebhookPolicy.allowing(List.of("127.0.0.0/8")))
                .verdict()).isEqualTo(Verdict.Successful);
        assertThat(measure("http://localhost:" + s.port() + "/gate", WebhookPolicy.allowing(List.of("LOCALHOST")))
                .verdict()).isEqualTo(Verdict.Successful);
        WebhookPolicy.allowing(List.of("10.0.0.0/8", "fd00::/8")).check(URI.create("http://[fd00::7]/x"));
        WebhookPolicy.allowing(List.of("10.0.0.0/8")).check(URI.create("http://10.200.0.1/x"));
        assertThatThrownBy(() -> WebhookPolicy.allowing(List.of("10.0.0.0/8")).check(URI.create("http://11.0.0.1.nip/x")))
                .isInstanceOf(WebhookPolicy.Refused.class);
        assertThatThrownBy(() -> WebhookPolicy.allowing(List.of("10.0.0.0/8")).check(URI.create("http://192.168.0.1/x")))
                .isInstanceOf(WebhookPolicy.Refused.class).hasMessageContaining("192.168.0.1, a private or reserved");
        assertThat(s.requests).hasSize(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "not a host!", "1.2.3.4/x", "::g/8", ""})
    void aWrongAllowEntryIsNamed(String entry) {
        assertThatThrownBy(() -> WebhookPolicy.allowing(List.of(entry))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--webhook-allow " + entry);
    }

    @Test
    void redirectsAreNeverFollowed() throws IOException {
        LoopbackServer s = server(302);
        Reading r = measure("http://127.0.0.1:" + s.port() + "/gate", WebhookPolicy.allowing(List.of("127.0.0.1")));
        assertThat(r.verdict()).isEqualTo(Verdict.Failed);
        assertThat(r.message()).contains("answered 302 (redirects are not followed), expected 2xx");
        assertThat(s.requests).hasSize(1);
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertThatThrownBy(() -> new WebhookMetricProvider(new MetricSpec.WebhookMetric("gate",
                URI.create("http://example.com/"), Duration.ofSeconds(1)), context, following, WebhookPolicy.publicOnly()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not follow redirects");
    }
}
