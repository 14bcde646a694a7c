package io.jenkins.plugins.slipway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import hudson.AbortException;
import io.jenkins.plugins.slipway.standin.StandIn;
import io.jenkins.plugins.slipway.testing.TestCredentials;
import io.jenkins.plugins.slipway.testing.TestFolder;
import io.jenkins.plugins.slipway.testing.TestJob;
import io.jenkins.plugins.slipway.testing.TestRun;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Compose secret's {@code x-slipway.credentialsId}, resolved as slipwayDeploy does: through the build, so only a
 * credential the build may use is found; Secret text gives its text, Secret file its bytes, anything else is refused
 * naming the id and the kinds, never a value.
 */
class SecretValueLookupTest {
    private TestRun shopBuild;

    @BeforeEach
    void credentials() throws Exception {
        StandIn.reset();
        TestFolder shop = new TestFolder("shop");
        TestFolder billing = new TestFolder("billing");
        shopBuild = new TestRun(new TestJob(shop, "web"));
        TestCredentials.secretText("global-text", "global-text-value");
        TestCredentials.secretFile("global-file", "key.pem", "-----BEGIN KEY-----\nabc\n");
        TestCredentials.secretText(shop, "shop-text", "shop-text-value");
        TestCredentials.secretText(billing, "billing-text", "billing-text-value");
        TestCredentials.usernamePassword("registry-bot", "ci", "registry-password");
    }

    @Test
    void secretTextGivesItsTextAndSecretFileItsBytes() throws Exception {
        assertThat(text(CredentialLookup.secretValue("global-text", shopBuild))).isEqualTo("global-text-value");
        assertThat(text(CredentialLookup.secretValue("shop-text", shopBuild))).isEqualTo("shop-text-value");
        assertThat(text(CredentialLookup.secretValue("global-file", shopBuild))).isEqualTo("-----BEGIN KEY-----\nabc\n");
    }

    @Test
    void anotherFoldersCredentialOrAnotherKindIsNotFoundAndTheMessageHoldsNoValue() {
        assertThatThrownBy(() -> CredentialLookup.secretValue("billing-text", shopBuild))
                .isInstanceOf(AbortException.class)
                .hasMessage("Credential 'billing-text' was not found, is not usable by this build, or is not a Secret"
                        + " text or Secret file credential. Check Manage Jenkins > Credentials.");
        assertThatThrownBy(() -> CredentialLookup.secretValue("registry-bot", shopBuild))
                .isInstanceOf(AbortException.class).hasMessageContaining("'registry-bot'")
                .hasMessageNotContaining("registry-password");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
