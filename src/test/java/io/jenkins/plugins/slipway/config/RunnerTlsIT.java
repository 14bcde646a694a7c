package io.jenkins.plugins.slipway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.util.FormValidation;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runners.RunnerConnection;
import io.jenkins.plugins.slipway.runners.RunnerConnections;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.RunnerProcess;
import io.jenkins.plugins.slipway.testing.TestCredentials;
import java.io.FileInputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Test connection and the steps' runner connection against a real runner serving TLS with a self-signed certificate. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RunnerTlsIT {
    private static final int PORT = 20779;

    @TempDir
    Path dir;

    @BeforeEach
    void fresh() {
        StandIn.reset();
    }

    @Test
    void testConnectionAndTheStepsVerifyTheRunnerByItsPinnedFingerprint() throws Exception {
        try (RunnerProcess runner = RunnerProcess.start(PORT, dir.resolve("data"), List.of("--tls-self-signed"))) {
            String fingerprint = runner.fingerprint();
            TestCredentials.secretText("runner-token", runner.token());
            TestCredentials.publicText("runner-fingerprint", fingerprint);
            TestCredentials.publicText("other-fingerprint", (fingerprint.startsWith("00") ? "11" : "00") + fingerprint.substring(2));
            ClusterRunner.DescriptorImpl d = new ClusterRunner.DescriptorImpl();

            FormValidation ok = d.doTestConnection(runner.url(), "runner-token", "runner-fingerprint", null);
            assertThat(ok.kind).as(ok.getMessage()).isEqualTo(FormValidation.Kind.OK);
            assertThat(ok.getMessage()).startsWith("Connected: TLS verified by pinned fingerprint " + fingerprint + ", runner ")
                    .endsWith(", token admin with role admin for apps *");

            FormValidation wrong = d.doTestConnection(runner.url(), "runner-token", "other-fingerprint", null);
            assertThat(wrong.kind).isEqualTo(FormValidation.Kind.ERROR);
            assertThat(wrong.getMessage()).contains("not the pinned").doesNotContain(runner.token());
            FormValidation systemCas = d.doTestConnection(runner.url(), "runner-token", null, null);
            assertThat(systemCas.kind).isEqualTo(FormValidation.Kind.ERROR);
            assertThat(systemCas.getMessage()).contains("could not reach");

            ClusterRunner configured = new ClusterRunner("local", runner.url());
            configured.setCredentialsId("runner-token");
            configured.setTlsCredentialsId("runner-fingerprint");
            SlipwayConfiguration.get().setRunners(List.of(configured));
            RunnerConnection connection = RunnerConnections.open(null, null);
            assertThat(connection.client().whoami().role()).isEqualTo("admin");
            assertThat(connection.client().apps()).isNotNull();

            configured.setTlsCredentialsId("other-fingerprint");
            RunnerConnection refused = RunnerConnections.open(null, null);
            assertThatThrownBy(() -> refused.client().apps()).isInstanceOf(RunnerException.class)
                    .hasMessageContaining("not the pinned");
        }
    }

    @Test
    void aRunnerRequiringClientCertificatesTakesTheCertificateCredential() throws Exception {
        Path keyStore = dir.resolve("client.p12");
        Path ca = dir.resolve("client-ca.pem");
        String password = "client-store-" + System.nanoTime();
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=jenkins",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", password);
        keytool("-exportcert", "-rfc", "-alias", "client", "-keystore", keyStore.toString(), "-storepass", password,
                "-file", ca.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keyStore.toFile())) {
            ks.load(in, password.toCharArray());
        }
        try (RunnerProcess runner = RunnerProcess.start(PORT, dir.resolve("data"),
                List.of("--tls-self-signed", "--tls-client-ca", ca.toString()))) {
            TestCredentials.secretText("runner-token", runner.token());
            TestCredentials.publicText("runner-fingerprint", runner.fingerprint());
            TestCredentials.certificate("jenkins-client", ks, password);
            ClusterRunner.DescriptorImpl d = new ClusterRunner.DescriptorImpl();

            FormValidation without = d.doTestConnection(runner.url(), "runner-token", "runner-fingerprint", null);
            assertThat(without.kind).isEqualTo(FormValidation.Kind.ERROR);
            FormValidation with = d.doTestConnection(runner.url(), "runner-token", "runner-fingerprint", "jenkins-client");
            assertThat(with.kind).as(with.getMessage()).isEqualTo(FormValidation.Kind.OK);
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
