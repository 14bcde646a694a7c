package io.jenkins.plugins.slipway.config;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.util.FormValidation;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.AuthRegistry;
import io.jenkins.plugins.slipway.testing.TestCredentials;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The global configuration's Test connection buttons against the real engine and registries. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConfigurationIT {
    @TempDir
    Path registryDir;

    @BeforeEach
    void fresh() {
        StandIn.reset();
    }

    @Test
    void dockerHostTestConnectionReachesTheEngine() {
        FormValidation v = new DockerHost.DescriptorImpl().doTestConnection(DockerHost.LOCAL_URI, null);
        assertThat(v.kind).as(v.getMessage()).isEqualTo(FormValidation.Kind.OK);
        assertThat(v.getMessage()).startsWith("Connected: Docker engine ");
    }

    @Test
    void registryTestConnectionChecksTheLogin() throws Exception {
        String password = "right-" + System.nanoTime();
        try (AuthRegistry registry = AuthRegistry.start(registryDir, "ci", password)) {
            TestCredentials.usernamePassword("good", "ci", password);
            TestCredentials.usernamePassword("bad", "ci", "wrong-" + password);
            Registry.DescriptorImpl d = new Registry.DescriptorImpl();
            String url = "http://" + registry.host();

            FormValidation ok = d.doTestConnection(url, "good");
            assertThat(ok.kind).as(ok.getMessage()).isEqualTo(FormValidation.Kind.OK);

            FormValidation bad = d.doTestConnection(url, "bad");
            assertThat(bad.kind).isEqualTo(FormValidation.Kind.ERROR);
            assertThat(bad.getMessage()).contains("rejected the login of credential 'bad'").doesNotContain(password);

            FormValidation anonymous = d.doTestConnection(url, null);
            assertThat(anonymous.getMessage()).contains("requires a login");
        }
    }
}
