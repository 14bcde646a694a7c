package io.jenkins.plugins.slipway.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;

/**
 * Opens docker-java clients with deadlines on every connection and response, so a stuck daemon fails the
 * step instead of hanging it. Nothing is read from the environment or ~/.docker: the endpoint says it all.
 */
public final class DockerEngine {
    /** Connecting to the engine (socket or TCP/TLS handshake). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Silence on an open response: a build step printing nothing for this long is considered stuck. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(15);

    private DockerEngine() {
    }

    public static DockerClient open(DockerEndpoint endpoint) throws IOException {
        URI uri = URI.create(endpoint.getUri());
        DefaultDockerClientConfig.Builder config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(endpoint.getUri())
                // TLS is the HTTP client's business (TlsClientConfig); the config must not look for ~/.docker certs.
                .withDockerTlsVerify(false);
        ApacheDockerHttpClient.Builder http = new ApacheDockerHttpClient.Builder()
                .dockerHost(uri)
                .maxConnections(8)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT);
        if (endpoint.hasTls()) {
            http.sslConfig(new TlsClientConfig(keyStore(endpoint), endpoint.keyStorePassword().getPlainText().toCharArray()));
        }
        return DockerClientImpl.getInstance(config.build(), http.build());
    }

    /** The engine's version (GET /version), as a connection test. */
    public static String version(DockerEndpoint endpoint) throws IOException {
        try (DockerClient docker = open(endpoint)) {
            docker.pingCmd().exec();
            return docker.versionCmd().exec().getVersion();
        }
    }

    private static KeyStore keyStore(DockerEndpoint endpoint) throws IOException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(new ByteArrayInputStream(endpoint.pkcs12()), endpoint.keyStorePassword().getPlainText().toCharArray());
            return ks;
        } catch (GeneralSecurityException e) {
            throw new IOException("Unusable TLS key store for " + endpoint.getUri() + ": " + e.getMessage(), e);
        }
    }
}
