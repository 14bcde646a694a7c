package io.jenkins.plugins.slipway.runner.engine.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DockerContainersTest {
    @Test
    void daemonMessagesAreUnwrapped() {
        assertThat(DockerContainers.reason(new RuntimeException("Status 500: {\"message\":\"pull access denied for x\"}\n")))
                .isEqualTo("pull access denied for x");
        assertThat(DockerContainers.reason(new RuntimeException("Status 404: {\"message\":\"No such image: \\\"a\\\"\"}")))
                .isEqualTo("No such image: \"a\"");
        assertThat(DockerContainers.reason(new RuntimeException(" connection refused "))).isEqualTo("connection refused");
    }
}
