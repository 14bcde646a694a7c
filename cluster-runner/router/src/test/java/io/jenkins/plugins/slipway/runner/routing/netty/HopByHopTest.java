package io.jenkins.plugins.slipway.runner.routing.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

/** What the router removes from a message before passing it on to the other connection. */
class HopByHopTest {
    @Test
    void removesConnectionScopedHeadersAndThoseConnectionNames() {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("Connection", "keep-alive, X-Session-Hint ,Upgrade")
                .add("Connection", "x-trace")
                .add("Keep-Alive", "timeout=5")
                .add("X-Session-Hint", "a")
                .add("X-Trace", "b")
                .add("Upgrade", "websocket")
                .add("TE", "trailers")
                .add("Proxy-Connection", "keep-alive")
                .add("Transfer-Encoding", "chunked")
                .add("Host", "shop")
                .add("X-Kept", "c");

        HopByHop.strip(h);

        assertThat(h.names()).containsExactlyInAnyOrder("Transfer-Encoding", "Host", "X-Kept");
    }

    @Test
    void transferEncodingNamedInConnectionStaysForTheEncoder() {
        HttpHeaders h = new DefaultHttpHeaders().add("Connection", "Transfer-Encoding, close")
                .add("Transfer-Encoding", "chunked");

        HopByHop.strip(h);

        assertThat(h.get("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(h.contains("Connection")).isFalse();
    }

    @Test
    void emptyAndBlankTokensAreSkipped() {
        HttpHeaders h = new DefaultHttpHeaders().add("Connection", ", ,x-a,").add("X-A", "1").add("X-B", "2");

        HopByHop.strip(h);

        assertThat(h.names()).containsExactly("X-B");
    }

    @Test
    void forwardedHeadersAppendTheClientToAnExistingChain() {
        HttpHeaders h = new DefaultHttpHeaders().add("X-Forwarded-For", "10.0.0.1").add("Host", "shop:8000");

        HopByHop.addForwarded(h, "127.0.0.1");

        assertThat(h.get("X-Forwarded-For")).isEqualTo("10.0.0.1, 127.0.0.1");
        assertThat(h.get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(h.get("X-Forwarded-Host")).isEqualTo("shop:8000");
    }
}
