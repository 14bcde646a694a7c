package io.jenkins.plugins.slipway.runner.api.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.api.ApiServer;
import io.jenkins.plugins.slipway.runner.api.ServerOptions;
import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.client.RunnerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's TLS material against the runner client over a real TLS connection on loopback. */
class TlsSettingsTest {
    @TempDir
    Path dir;

    @Test
    void theSelfSignedCertificateIsKeptOwnerOnlyAndReusedWithTheSameFingerprint() throws Exception {
        TlsSettings first = SelfSignedCertificate.inDataDir(dir, "127.0.0.1", null);
        Path key = dir.resolve("tls/self-signed.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(first.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        assertThat(first.certificate().getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                .contains("localhost", "127.0.0.1");

        TlsSettings again = SelfSignedCertificate.inDataDir(dir, "127.0.0.1", null);
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        TlsSettings otherHost = SelfSignedCertificate.inDataDir(dir, "10.1.2.3", null);
        assertThat(otherHost.fingerprint()).isNotEqualTo(first.fingerprint());
    }

    @Test
    void aClientPinningTheFingerprintOrTrustingTheCertificateGetsThroughAWrongPinDoesNot() throws Exception {
        TlsSettings tls = SelfSignedCertificate.inDataDir(dir, "127.0.0.1", null);
        ApiServer server = serve(tls);
        try {
            String url = "https://127.0.0.1:" + server.port();
            assertThat(client(url, RunnerTls.pinning(tls.fingerprint())).version()).isEqualTo("test");
            String pem = Files.readString(dir.resolve("tls/self-signed.crt"));
            assertThat(client(url, RunnerTls.trustingCa(pem)).version()).isEqualTo("test");

            String wrong = tls.fingerprint().substring(0, 94) + (tls.fingerprint().endsWith("0") ? "1" : "0");
            assertThatThrownBy(() -> client(url, RunnerTls.pinning(wrong)).version())
                    .isInstanceOf(RunnerException.class).hasMessageContaining("not the pinned");
            assertThatThrownBy(() -> HttpRunnerClient.builder(url).build().version())
                    .isInstanceOf(RunnerException.class).hasMessageContaining("could not reach");
        } finally {
            server.close();
        }
    }

    @Test
    void withAClientCaAClientWithoutACertificateIsRefusedAndOneWithIsLetIn() throws Exception {
        TlsSettings clientCert = SelfSignedCertificate.inDataDir(dir.resolve("client"), "127.0.0.1", null);
        Path clientCa = dir.resolve("client/tls/self-signed.crt");
        TlsSettings tls = SelfSignedCertificate.inDataDir(dir.resolve("server"), "127.0.0.1", clientCa);
        assertThat(tls.needClientAuth()).isTrue();
        ApiServer server = serve(tls);
        try {
            String url = "https://127.0.0.1:" + server.port();
            RunnerTls pin = RunnerTls.pinning(tls.fingerprint());
            assertThatThrownBy(() -> client(url, pin).version()).isInstanceOf(RunnerException.class);
            RunnerTls withCert = pin.withClientKeyStore(clientCert.keyStore(), clientCert.keyStorePassword());
            assertThat(client(url, withCert).version()).isEqualTo("test");
        } finally {
            server.close();
        }
    }

    @Test
    void pemFilesMustBelongTogetherAndSayWhichIsWrong() throws Exception {
        SelfSignedCertificate.inDataDir(dir.resolve("a"), "127.0.0.1", null);
        SelfSignedCertificate.inDataDir(dir.resolve("b"), "127.0.0.1", null);
        Path certA = dir.resolve("a/tls/self-signed.crt");
        Path keyA = dir.resolve("a/tls/self-signed.key");
        Path keyB = dir.resolve("b/tls/self-signed.key");
        assertThat(TlsSettings.fromPem(certA, keyA, null).needClientAuth()).isFalse();
        assertThatThrownBy(() -> TlsSettings.fromPem(certA, keyB, null))
                .hasMessage("--tls-key " + keyB + " is not the key of the certificate in --tls-cert " + certA);
        assertThatThrownBy(() -> TlsSettings.fromPem(keyA, keyA, null)).hasMessageContaining("--tls-cert " + keyA);
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> TlsSettings.fromPem(certA, empty, null)).hasMessageContaining("holds no private key");
        assertThatThrownBy(() -> new TlsOptions(certA, null, false, null).settings(dir, "127.0.0.1"))
                .hasMessage("--tls-cert needs --tls-key");
        assertThatThrownBy(() -> new TlsOptions(certA, keyA, true, null).settings(dir, "127.0.0.1"))
                .hasMessageContaining("--tls-self-signed makes its own certificate");
        assertThatThrownBy(() -> new TlsOptions(null, null, false, certA).settings(dir, "127.0.0.1"))
                .hasMessageContaining("--tls-client-ca needs TLS");
        assertThat(new TlsOptions(null, null, false, null).settings(dir, "127.0.0.1")).isNull();
    }

    private static HttpRunnerClient client(String url, RunnerTls tls) {
        return HttpRunnerClient.builder(url).withTls(tls).withRequestTimeout(Duration.ofSeconds(20)).build();
    }

    /** The runner's own API server (Jetty) with this TLS material, answering {@code /healthz}. */
    private static ApiServer serve(TlsSettings tls) throws Exception {
        ApiServer server = new ApiServer(ServerOptions.plain("127.0.0.1", 0)
                .withTls(new ServerOptions.Tls(tls.sslContext(), tls.needClientAuth())), "unused");
        server.route("GET", "/healthz", ex -> ex.json(200, Map.of("status", "ok", "version", "test")));
        server.start();
        return server;
    }
}
