package io.jenkins.plugins.slipway.push;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Checks a registry URL and login with {@code GET /v2/} (the Docker Registry HTTP API's version check). */
public final class RegistryProbe {
    private RegistryProbe() {
    }

    /** @return a one-line success message; @throws IOException naming what failed (never the password) */
    public static String check(String registryUrl, RegistryLogin login) throws IOException, InterruptedException {
        String base = registryUrl.contains("://") ? registryUrl : "https://" + registryUrl;
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base.replaceAll("/+$", "") + "/v2/"))
                .timeout(Duration.ofSeconds(10)).GET();
        if (!login.isAnonymous()) {
            String basic = login.username() + ":" + login.password();
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        int status = http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status == 401 || status == 403) {
            throw new IOException(login.isAnonymous()
                    ? "Registry " + login.registry() + " requires a login: set a credential"
                    : "Registry " + login.registry() + " rejected the login of credential '" + login.credentialsId() + "' (HTTP " + status + ")");
        }
        if (status != 200) {
            throw new IOException("Registry " + login.registry() + " answered HTTP " + status + " to GET /v2/");
        }
        return "Connected to " + login;
    }
}
