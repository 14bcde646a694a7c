package io.jenkins.plugins.slipway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.TestCredentials;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.access.AccessDeniedException;

class SlipwayConfigurationTest {
    private SlipwayConfiguration config;

    @BeforeEach
    void fresh() {
        StandIn.reset();
        config = SlipwayConfiguration.get();
    }

    @Test
    void withoutDockerHostsStepsUseTheLocalSocket() throws Exception {
        assertThat(config.dockerHost(null).getUri()).isEqualTo(DockerHost.LOCAL_URI);
    }

    @Test
    void dockerHostIsTheNamedOneElseTheDefaultElseTheFirst() throws Exception {
        config.setDockerHosts(List.of(new DockerHost("a", "tcp://a:2376"), new DockerHost("b", "tcp://b:2376")));
        assertThat(config.dockerHost(null).getName()).isEqualTo("a");
        config.setDefaultDockerHost("b");
        assertThat(config.dockerHost(null).getName()).isEqualTo("b");
        assertThat(config.dockerHost("a").getName()).isEqualTo("a");
        assertThatThrownBy(() -> config.dockerHost("c"))
                .isInstanceOf(AbortException.class)
                .hasMessage("No Docker host named 'c' in Manage Jenkins > System > Slipway (configured: a, b)");
    }

    @Test
    void runnerLookupForDeploySteps() throws Exception {
        assertThatThrownBy(() -> config.runner(null)).hasMessageContaining("No cluster runner is configured");
        ClusterRunner prod = new ClusterRunner("prod", "https://runner.example:8787");
        prod.setCredentialsId("runner-token");
        config.setRunners(List.of(new ClusterRunner("staging", "http://127.0.0.1:8787"), prod));
        config.setDefaultRunner("prod");
        assertThat(config.runner(null).getUrl()).isEqualTo("https://runner.example:8787");
        assertThat(config.runner("staging").getCredentialsId()).isNull();
        assertThat(config.runner("").getName()).isEqualTo("prod");
        assertThatThrownBy(() -> config.runner("qa")).hasMessageContaining("No cluster runner named 'qa'");
    }

    @Test
    void registryIsFoundByTheImageRegistryHost() {
        Registry registry = new Registry("https://Registry.Example:5000/");
        registry.setCredentialsId("bot");
        config.setRegistries(List.of(registry, new Registry("ghcr.io")));
        assertThat(config.registryFor("registry.example:5000").getCredentialsId()).isEqualTo("bot");
        assertThat(config.registryFor("ghcr.io")).isNotNull();
        assertThat(config.registryFor("registry.example")).isNull();
    }

    @Test
    void theRunnerTlsCredentialIsAFingerprintOrAPemCaAndSaysWhichWithoutItsContent() throws Exception {
        String fingerprint = String.join(":", java.util.Collections.nCopies(32, "AB"));
        TestCredentials.secretText("fp", fingerprint);
        TestCredentials.secretText("junk", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----");
        TestCredentials.usernamePassword("bot", "ci", "pw");

        assertThat(CredentialLookup.runnerTls("fp", null, null).describe()).isEqualTo("pinned fingerprint " + fingerprint);
        assertThat(CredentialLookup.runnerTls(null, null, null)).isNull();
        assertThatThrownBy(() -> CredentialLookup.runnerTls("junk", null, null)).isInstanceOf(AbortException.class)
                .hasMessage("Credential 'junk' holds neither a PEM CA certificate nor a SHA-256 fingerprint"
                        + " (AB:CD:..., 64 hex digits)");
        assertThatThrownBy(() -> CredentialLookup.runnerTls("bot", null, null)).hasMessageContaining("Secret text");
        assertThatThrownBy(() -> CredentialLookup.runnerTls(null, "client", null))
                .hasMessageContaining("needs the runner's CA certificate or fingerprint");
        assertThatThrownBy(() -> CredentialLookup.runnerTls("fp", "bot", null)).hasMessageContaining("Certificate credential");
    }

    @Test
    void testConnectionNamesAnHttpsRunnerItCannotTrust() {
        TestCredentials.secretText("fp", String.join(":", java.util.Collections.nCopies(32, "AB")));
        FormValidation v = new ClusterRunner.DescriptorImpl().doTestConnection("http://127.0.0.1:1", null, "fp", null);
        assertThat(v.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(v.getMessage()).contains("a CA certificate or fingerprint is for an https:// runner URL");
    }

    @Test
    void credentialsResolveByIdAndKind() throws Exception {
        TestCredentials.usernamePassword("bot", "ci", "pw");
        TestCredentials.secretText("token", "t0k3n");
        assertThat(CredentialLookup.registryLogin("r", "bot", null).username()).isEqualTo("ci");
        assertThat(CredentialLookup.runnerToken("token", null).getPlainText()).isEqualTo("t0k3n");
        assertThat(CredentialLookup.runnerToken(null, null)).isNull();
        assertThatThrownBy(() -> CredentialLookup.runnerToken("bot", null))
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("Credential 'bot'").hasMessageContaining("Secret text");
    }

    @Test
    void testConnectionNeedsAdminister() {
        StandIn.deny("Overall/Administer", true);
        assertThatThrownBy(() -> new DockerHost.DescriptorImpl().doTestConnection(DockerHost.LOCAL_URI, null))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> new Registry.DescriptorImpl().doTestConnection("http://127.0.0.1:5000", null))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> new ClusterRunner.DescriptorImpl().doTestConnection("http://127.0.0.1:8787", null, null, null))
                .isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void testConnectionReportsAnUnreachableEngine() {
        FormValidation v = new DockerHost.DescriptorImpl().doTestConnection("tcp://127.0.0.1:1", null);
        assertThat(v.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(v.getMessage()).contains("Cannot reach the engine at tcp://127.0.0.1:1");
    }

    @Test
    void uriValidation() {
        assertThat(new DockerHost.DescriptorImpl().doCheckUri("http://x").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(new DockerHost.DescriptorImpl().doCheckUri("tcp://x:2376").kind).isEqualTo(FormValidation.Kind.OK);
    }

    @Test
    void credentialDropDownsListIdsOfTheRightKindToAdministratorsOnly() {
        TestCredentials.usernamePassword("registry-bot", "ci", "pw");
        TestCredentials.secretText("runner-token", "t");
        ListBoxModel registry = new Registry.DescriptorImpl().doFillCredentialsIdItems("");
        assertThat(registry).extracting(o -> o.value).containsExactly("", "registry-bot");
        ListBoxModel runner = new ClusterRunner.DescriptorImpl().doFillCredentialsIdItems("runner-token");
        assertThat(runner).extracting(o -> o.value).containsExactly("", "runner-token");

        StandIn.deny("Overall/Administer", true);
        ListBoxModel hidden = new Registry.DescriptorImpl().doFillCredentialsIdItems("current");
        assertThat(hidden).extracting(o -> o.value).containsExactly("current");
    }

    @Test
    void credentialChecksOnTheGlobalPageWarnAdministratorsOfAnIdThatNamesNoCredentialOfTheRightKind() {
        TestCredentials.usernamePassword("registry-bot", "ci", "pw");
        TestCredentials.secretText("runner-token", "t0k3n");
        Registry.DescriptorImpl registry = new Registry.DescriptorImpl();
        ClusterRunner.DescriptorImpl runner = new ClusterRunner.DescriptorImpl();
        DockerHost.DescriptorImpl docker = new DockerHost.DescriptorImpl();

        assertThat(registry.doCheckCredentialsId("registry-bot").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(registry.doCheckCredentialsId("").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(runner.doCheckCredentialsId("runner-token").kind).isEqualTo(FormValidation.Kind.OK);
        FormValidation wrongKind = registry.doCheckCredentialsId("runner-token");
        assertThat(wrongKind.kind).isEqualTo(FormValidation.Kind.WARNING);
        assertThat(wrongKind.getMessage()).isEqualTo("No Username with password credential with ID 'runner-token'"
                + " is available in Jenkins. Check Manage Jenkins > Credentials.");
        assertThat(runner.doCheckCredentialsId("registry-bot").getMessage()).startsWith("No Secret text credential");
        assertThat(docker.doCheckTlsCredentialsId("gone").getMessage()).startsWith("No Certificate credential with ID 'gone'");

        StandIn.deny("Overall/Administer", true);
        assertThat(registry.doCheckCredentialsId("runner-token").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(docker.doCheckTlsCredentialsId("gone").kind).isEqualTo(FormValidation.Kind.OK);
    }
}
