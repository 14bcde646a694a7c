package io.jenkins.plugins.slipway.push;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.util.Secret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlipwayPushStepTest {
    @Test
    void imageAndTagsComeFromTheBuildMapUnlessGiven() {
        SlipwayPushStep step = new SlipwayPushStep();
        step.setBuild(Map.of("image", "registry.example/app", "tags", List.of("7", "latest"), "id", "sha256:x"));
        assertThat(step.effectiveImage()).isEqualTo("registry.example/app");
        assertThat(step.effectiveTags()).containsExactly("7", "latest");

        step.setImage("registry.example/other");
        step.setTags(List.of("8"));
        assertThat(step.effectiveImage()).isEqualTo("registry.example/other");
        assertThat(step.effectiveTags()).containsExactly("8");
    }

    @Test
    void loginNeverShowsItsPassword() {
        RegistryLogin login = new RegistryLogin("registry.example:5000", "bot", "ci", Secret.fromString("hunter2"));
        assertThat(login.toString()).isEqualTo("registry.example:5000 with credential 'bot'").doesNotContain("hunter2");
        assertThat(login.scrub("unauthorized: ci:hunter2 rejected")).isEqualTo("unauthorized: ci:**** rejected");
        assertThat(RegistryLogin.anonymous("r").toString()).isEqualTo("r (anonymous)");
    }

    @Test
    void refusalsAreNotRetried() {
        assertThat(PushFailures.isTransient(new RuntimeException(), "connect: connection refused")).isTrue();
        assertThat(PushFailures.isTransient(new RuntimeException(), "received unexpected HTTP status: 503 Service Unavailable")).isTrue();
        assertThat(PushFailures.isTransient(new RuntimeException(), "unauthorized: authentication required")).isFalse();
        assertThat(PushFailures.isTransient(new RuntimeException(), "denied: requested access to the resource is denied")).isFalse();
        assertThat(PushFailures.isLoginRejection("login attempt to http://r/v2/ failed with status: 401 Unauthorized")).isTrue();
    }
}
