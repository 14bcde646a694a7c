package io.jenkins.plugins.slipway.runner.api;

import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How the runner's API server listens: address, TLS, and the limits it enforces before any handler runs.
 *
 * @param host          address to bind (loopback unless the operator says otherwise)
 * @param port          port to bind; 0 picks a free one
 * @param tls           TLS for every connection, or {@code null} for plain HTTP
 * @param maxBodyBytes  request bodies above this are refused with 413 by the server, before a handler reads them
 * @param maxThreads    most threads answering requests at once (event streams do not hold one while they wait)
 * @param idleTimeout   a connection with no traffic for this long is closed (event streams send a keepalive sooner)
 */
public record ServerOptions(String host, int port, Tls tls, long maxBodyBytes, int maxThreads, Duration idleTimeout) {
    /** The documented request body limit of the runner API (docs/runner-api.md). */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public ServerOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (maxBodyBytes <= 0 || maxThreads < 8) {
            throw new IllegalArgumentException("maxBodyBytes must be > 0 and maxThreads >= 8");
        }
    }

    /** Plain HTTP on {@code host:port} with the default limits. */
    public static ServerOptions plain(String host, int port) {
        return new ServerOptions(host, port, null, DEFAULT_MAX_BODY_BYTES, 64, Duration.ofSeconds(60));
    }

    /** These options with TLS on every connection. */
    public ServerOptions withTls(Tls tls) {
        return new ServerOptions(host, port, tls, maxBodyBytes, maxThreads, idleTimeout);
    }

    /** The scheme clients use: {@code https} with TLS, else {@code http}. */
    public String scheme() {
        return tls == null ? "http" : "https";
    }

    /**
     * TLS of the API: the server's key and certificate (and, for mutual TLS, the trusted client CAs) are in
     * {@code sslContext}; with {@code needClientAuth} a client without a certificate those CAs signed is refused
     * during the handshake. The peer's certificates reach handlers as {@link Exchange#peerCertificates()}.
     */
    public record Tls(SSLContext sslContext, boolean needClientAuth) {
        public Tls {
            Objects.requireNonNull(sslContext, "sslContext");
        }
    }
}
