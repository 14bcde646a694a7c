package io.jenkins.plugins.slipway.build;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.EnvVars;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OciLabelsTest {
    private static final Instant NOW = Instant.parse("2026-05-01T10:15:30.123Z");

    @Test
    void addsWhatIsKnownAndLetsUserLabelsWin() {
        EnvVars env = new EnvVars("GIT_URL", "https://git.example/a.git", "GIT_COMMIT", "abc", "BUILD_URL", "https://ci/job/a/1/");
        Map<String, String> labels = OciLabels.merge(env, Map.of("org.opencontainers.image.source", "mine", "team", "x"), NOW);
        assertThat(labels)
                .containsEntry("org.opencontainers.image.source", "mine")
                .containsEntry("org.opencontainers.image.revision", "abc")
                .containsEntry("org.opencontainers.image.created", "2026-05-01T10:15:30Z")
                .containsEntry("io.jenkins.build.url", "https://ci/job/a/1/")
                .containsEntry("team", "x");
    }

    @Test
    void leavesOutWhatIsUnknown() {
        Map<String, String> labels = OciLabels.merge(new EnvVars(), Map.of(), NOW);
        assertThat(labels).containsOnlyKeys("org.opencontainers.image.created");
    }
}
