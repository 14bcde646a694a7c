package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the runner is, how to trust it and how to authenticate: the options every client command shares. */
final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:SLIPWAY_URL:-http://127.0.0.1:8787}",
            description = {"The runner's base URL.", "Default: SLIPWAY_URL, else http://127.0.0.1:8787."})
    String url;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = {"File holding the API token.",
                    "Default: SLIPWAY_TOKEN_FILE, else ~/.config/slipway/token (where serve writes the first admin token)."})
    Path tokenFile;

    @Option(names = "--fingerprint", paramLabel = "SHA256", defaultValue = "${env:SLIPWAY_FINGERPRINT}",
            description = {"For https: trust exactly the runner certificate with this SHA-256 fingerprint",
                    "(AB:CD:..., as serve --tls-self-signed prints it). Default: SLIPWAY_FINGERPRINT."})
    String fingerprint;

    @Option(names = "--ca", paramLabel = "FILE", defaultValue = "${env:SLIPWAY_CA}",
            description = {"For https: trust runner certificates this PEM CA certificate signed (host name checked).",
                    "Default: SLIPWAY_CA; neither this nor --fingerprint: the system's CAs."})
    Path ca;

    @Option(names = "--client-cert", paramLabel = "FILE",
            description = "For a runner requiring client certificates: PEM certificate (chain) to show.")
    Path clientCert;

    @Option(names = "--client-key", paramLabel = "FILE",
            description = "Its unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----).")
    Path clientKey;

    /** A client for the runner; fails with a hint when the token file is missing or TLS options contradict. */
    RunnerClient open() throws IOException {
        Path file = tokenFile();
        if (!Files.exists(file)) {
            throw new IOException("token file " + file + " not found: pass --token-file (serve writes the first"
                    + " admin token to its --token-file, by default " + Main.defaultTokenFile() + ")");
        }
        HttpRunnerClient.Builder builder = HttpRunnerClient.builder(url).withToken(TokenFile.read(file));
        RunnerTls tls = tls();
        if (tls != null) {
            builder.withTls(tls);
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private RunnerTls tls() throws IOException {
        if (fingerprint != null && ca != null) {
            throw new IOException("give --fingerprint or --ca, not both");
        }
        if ((clientCert == null) != (clientKey == null)) {
            throw new IOException(clientCert == null ? "--client-key needs --client-cert" : "--client-cert needs --client-key");
        }
        RunnerTls tls;
        try {
            if (fingerprint != null) {
                tls = RunnerTls.pinning(fingerprint);
            } else if (ca != null) {
                tls = RunnerTls.trustingCa(Files.readString(ca, StandardCharsets.US_ASCII));
            } else if (clientCert != null) {
                throw new IOException("--client-cert needs --fingerprint or --ca: how to trust the runner");
            } else {
                return null;
            }
            if (clientCert != null) {
                tls = tls.withClientCertificate(Files.readString(clientCert, StandardCharsets.US_ASCII),
                        Files.readString(clientKey, StandardCharsets.US_ASCII));
            }
            return tls;
        } catch (IllegalArgumentException e) {
            throw new IOException((fingerprint != null ? "--fingerprint: " : ca != null ? "--ca " + ca + ": " : "")
                    + e.getMessage(), e);
        }
    }

    private Path tokenFile() {
        if (tokenFile != null) {
            return tokenFile;
        }
        String env = System.getenv("SLIPWAY_TOKEN_FILE");
        return env != null && !env.isBlank() ? Path.of(env) : Main.defaultTokenFile();
    }
}
