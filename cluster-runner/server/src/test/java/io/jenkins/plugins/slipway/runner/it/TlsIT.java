package io.jenkins.plugins.slipway.runner.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.api.tls.SelfSignedCertificate;
import io.jenkins.plugins.slipway.runner.api.tls.TlsSettings;
import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.client.RunnerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The runner's API over TLS with a self-signed certificate, and with client certificates required. */
class TlsIT {

    private static HttpRunnerClient client(RunnerProcess runner, RunnerTls tls, String token) {
        return HttpRunnerClient.builder(runner.url()).withTls(tls).withToken(token)
                .withRequestTimeout(Duration.ofSeconds(30)).build();
    }

    @Test
    void aClientPinningThePrintedFingerprintGetsInAWrongFingerprintAndPlainTrustDoNot() throws Exception {
        try (RunnerProcess runner = RunnerProcess.start("tls", RunnerProcess.API_PORTS_FROM, RunnerProcess.API_PORTS_TO,
                List.of("--tls-self-signed"))) {
            String fingerprint = runner.fingerprint();
            assertThat(runner.url()).startsWith("https://");
            assertThat(Files.getPosixFilePermissions(runner.dataDir().resolve("tls/self-signed.key")))
                    .hasSize(2).allMatch(p -> p.name().startsWith("OWNER_"));

            HttpRunnerClient pinned = client(runner, RunnerTls.pinning(fingerprint), runner.token());
            assertThat(pinned.whoami().role()).isEqualTo("admin");
            assertThat(pinned.apps()).isNotNull();
            assertThat(pinned.version()).isNotBlank();
            String ca = Files.readString(runner.dataDir().resolve("tls/self-signed.crt"));
            assertThat(client(runner, RunnerTls.trustingCa(ca), runner.token()).whoami().name()).isEqualTo("admin");

            String wrong = (fingerprint.startsWith("00") ? "11" : "00") + fingerprint.substring(2);
            assertThatThrownBy(() -> client(runner, RunnerTls.pinning(wrong), runner.token()).whoami())
                    .isInstanceOf(RunnerException.class)
                    .hasMessageContaining("has the SHA-256 fingerprint " + fingerprint + ", not the pinned " + wrong);
            assertThatThrownBy(() -> HttpRunnerClient.builder(runner.url()).withToken(runner.token()).build().whoami())
                    .isInstanceOf(RunnerException.class).hasMessageContaining("could not reach");
            assertThatThrownBy(() -> Http.send("GET", runner.url().replace("https:", "http:") + "/healthz", null, null))
                    .isInstanceOf(java.io.IOException.class);

            Cli ok = Cli.run("apps", "--url", runner.url(), "--fingerprint", fingerprint, "--token-file",
                    runner.tokenFile().toString());
            assertThat(ok.exit()).as(ok.output()).isZero();
            Cli made = Cli.run("token", "create", "ci-tls", "--apps", "it-*", "--role", "read", "--url", runner.url(),
                    "--fingerprint", fingerprint, "--token-file", runner.tokenFile().toString());
            assertThat(made.exit()).as(made.output()).isZero();
            String ciToken = SecretsUsed.record(made.stdout().trim());
            assertThat(client(runner, RunnerTls.pinning(fingerprint), ciToken).whoami())
                    .isEqualTo(new io.jenkins.plugins.slipway.runner.client.Tokens.Identity("ci-tls", "read", List.of("it-*")));
            Cli listed = Cli.run("token", "list", "--url", runner.url(), "--fingerprint", fingerprint, "--token-file",
                    runner.tokenFile().toString());
            assertThat(listed.stdout()).contains("ci-tls", "read", "it-*").doesNotContain(ciToken);
            Cli revoked = Cli.run("token", "revoke", "ci-tls", "--url", runner.url(), "--fingerprint", fingerprint,
                    "--token-file", runner.tokenFile().toString());
            assertThat(revoked.exit()).as(revoked.output()).isZero();
            assertThatThrownBy(() -> client(runner, RunnerTls.pinning(fingerprint), ciToken).whoami())
                    .isInstanceOfSatisfying(RunnerException.class, e -> assertThat(e.status()).isEqualTo(401));
            Cli refused = Cli.run("apps", "--url", runner.url(), "--fingerprint", wrong, "--token-file",
                    runner.tokenFile().toString());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.output()).contains("not the pinned");

            runner.close();
            runner.launch();
            assertThat(runner.fingerprint()).as("the certificate is kept across restarts").isEqualTo(fingerprint);
            assertThat(pinned.whoami().name()).isEqualTo("admin");
        }
    }

    @Test
    void withAClientCaAClientWithoutACertificateIsRefusedAndOneWithIsLetIn(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        TlsSettings clientCert = SelfSignedCertificate.inDataDir(dir, "127.0.0.1", null);
        Path clientCa = dir.resolve("tls/self-signed.crt");
        try (RunnerProcess runner = RunnerProcess.start("mtls", RunnerProcess.API_PORTS_FROM, RunnerProcess.API_PORTS_TO,
                List.of("--tls-self-signed", "--tls-client-ca", clientCa.toString()))) {
            RunnerTls pin = RunnerTls.pinning(runner.fingerprint());
            assertThat(runner.logText()).contains("client certificates required");

            assertThatThrownBy(() -> client(runner, pin, runner.token()).whoami()).isInstanceOf(RunnerException.class)
                    .hasMessageContaining("could not reach");

            RunnerTls withCert = pin.withClientKeyStore(clientCert.keyStore(), clientCert.keyStorePassword());
            assertThat(client(runner, withCert, runner.token()).whoami().name()).isEqualTo("admin");
            assertThat(client(runner, withCert, null).version()).isNotBlank();
        }
    }
}
