package io.jenkins.plugins.slipway.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.util.FormValidation;
import io.jenkins.plugins.slipway.build.SlipwayBuildStep;
import io.jenkins.plugins.slipway.config.DockerHost;
import io.jenkins.plugins.slipway.config.SlipwayConfiguration;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.DockerFixture;
import io.jenkins.plugins.slipway.testing.TestCredentials;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import io.jenkins.plugins.slipway.testing.TlsEngineProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A tcp:// Docker host with TLS client certificates (a TLS front on the real engine). */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TlsDockerHostIT {
    private static final String REPO = DockerFixture.REPO_PREFIX + "tls";

    @TempDir
    Path workspace;

    @BeforeEach
    void fresh() {
        StandIn.reset();
    }

    @AfterAll
    static void removeImages() {
        DockerFixture.removeImages(REPO);
    }

    @Test
    void buildsThroughATlsEngineWithTheCertificateCredential() throws Exception {
        TlsEngineProxy.Ca ca = TlsEngineProxy.Ca.create("slipway-it-ca");
        try (TlsEngineProxy engine = TlsEngineProxy.start(ca, ca)) {
            TestCredentials.certificate("docker-tls", ca.clientKeyStore(), TlsEngineProxy.PASSWORD);
            DockerHost host = new DockerHost("remote", engine.uri());
            host.setTlsCredentialsId("docker-tls");
            SlipwayConfiguration.get().setDockerHosts(List.of(host));

            FormValidation test = new DockerHost.DescriptorImpl().doTestConnection(engine.uri(), "docker-tls");
            assertThat(test.kind).as(test.getMessage()).isEqualTo(FormValidation.Kind.OK);

            DockerFixture.context(workspace, "FROM scratch\nCOPY busybox /bin/sh\n");
            SlipwayBuildStep step = new SlipwayBuildStep(REPO);
            step.setTags(List.of("tls"));
            step.setDockerHost("remote");
            TestStepContext ctx = TestStepContext.in(workspace.toFile());
            @SuppressWarnings("unchecked")
            Map<String, Object> built = (Map<String, Object>) ctx.run(step, Duration.ofMinutes(3));
            assertThat(built.get("id").toString()).startsWith("sha256:");
            assertThat(ctx.log()).contains("on " + engine.uri() + " (TLS client certificate)");
        }
    }

    @Test
    void anEngineCertificateFromAnotherCaIsRefused() throws Exception {
        TlsEngineProxy.Ca ours = TlsEngineProxy.Ca.create("slipway-it-ca");
        TlsEngineProxy.Ca impostor = TlsEngineProxy.Ca.create("impostor-ca");
        try (TlsEngineProxy engine = TlsEngineProxy.start(impostor, ours)) {
            TestCredentials.certificate("docker-tls", ours.clientKeyStore(), TlsEngineProxy.PASSWORD);
            FormValidation test = new DockerHost.DescriptorImpl().doTestConnection(engine.uri(), "docker-tls");
            assertThat(test.kind).isEqualTo(FormValidation.Kind.ERROR);
            assertThatThrownBy(() -> DockerEngine.version(
                    io.jenkins.plugins.slipway.config.CredentialLookup.dockerEndpoint(engine.uri(), "docker-tls", null)))
                    .hasStackTraceContaining("PKIX");
        }
    }
}
