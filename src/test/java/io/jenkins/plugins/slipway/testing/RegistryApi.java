package io.jenkins.plugins.slipway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Asks a registry directly (Docker Registry HTTP API v2) what it stores, independent of the engine. */
public final class RegistryApi {
    private static final String MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private RegistryApi() {
    }

    /** {@code HEAD /v2/<name>/manifests/<tag>} → the Docker-Content-Digest header. */
    public static String manifestDigest(String registry, String name, String tag, String username, String password)
            throws IOException, InterruptedException {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/" + name + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", MANIFEST_V2 + ", " + OCI_MANIFEST)
                .timeout(Duration.ofSeconds(10));
        if (username != null) {
            String basic = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
            req.header("Authorization", "Basic " + basic);
        }
        HttpResponse<Void> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(req.build(), HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 200) {
            throw new IOException("HEAD manifest " + name + ":" + tag + " on " + registry + " answered " + response.statusCode());
        }
        return response.headers().firstValue("Docker-Content-Digest")
                .orElseThrow(() -> new IOException("no Docker-Content-Digest header"));
    }
}
