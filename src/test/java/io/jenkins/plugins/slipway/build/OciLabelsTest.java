package io.jenkins.plugins.slipway.build;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.EnvVars;
import hudson.model.Result;
import hudson.plugins.git.Revision;
import hudson.plugins.git.util.Build;
import hudson.plugins.git.util.BuildData;
import io.jenkins.plugins.slipway.testing.TestRun;
import java.time.Instant;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

class OciLabelsTest {
    private static final Instant NOW = Instant.parse("2026-05-01T10:15:30.123Z");
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void addsWhatIsKnownAndLetsUserLabelsWin() {
        EnvVars env = new EnvVars("GIT_URL", "https://git.example/a.git", "GIT_COMMIT", "abc", "BUILD_URL", "https://ci/job/a/1/");
        OciLabels merged = OciLabels.merge(env, GitCheckout.NONE,
                Map.of("org.opencontainers.image.source", "mine", "team", "x"), NOW);
        assertThat(merged.labels())
                .containsEntry("org.opencontainers.image.source", "mine")
                .containsEntry("org.opencontainers.image.revision", "abc")
                .containsEntry("org.opencontainers.image.created", "2026-05-01T10:15:30Z")
                .containsEntry("io.jenkins.build.url", "https://ci/job/a/1/")
                .containsEntry("team", "x");
        assertThat(merged.notes()).contains("org.opencontainers.image.revision=abc (GIT_COMMIT)",
                "org.opencontainers.image.source: the step's labels argument wins");
    }

    @Test
    void leavesOutWhatIsUnknownAndSaysSo() {
        OciLabels merged = OciLabels.merge(new EnvVars(), GitCheckout.NONE, Map.of(), NOW);
        assertThat(merged.labels()).containsOnlyKeys("org.opencontainers.image.created");
        assertThat(merged.notes()).contains(
                "org.opencontainers.image.revision not added: GIT_COMMIT is unset and the build has no Git checkout",
                "org.opencontainers.image.source not added: GIT_URL is unset and the build has no Git checkout");
    }

    /** A scripted pipeline's checkout scm: GIT_COMMIT and GIT_URL unset, the git plugin's BuildData on the run. */
    @Test
    void takesRevisionAndSourceFromTheBuildsGitCheckoutWhenTheVariablesAreUnset() {
        TestRun run = TestRun.of("scripted");
        BuildData data = new BuildData();
        data.addRemoteUrl("https://git.example/shop.git");
        data.saveBuild(new Build(new Revision(ObjectId.fromString(COMMIT)), run.getNumber(), Result.SUCCESS));
        run.addAction(data);

        OciLabels merged = OciLabels.merge(new EnvVars(), GitCheckout.of(run), Map.of(), NOW);

        assertThat(merged.labels())
                .containsEntry("org.opencontainers.image.revision", COMMIT)
                .containsEntry("org.opencontainers.image.source", "https://git.example/shop.git");
        assertThat(merged.notes()).contains("org.opencontainers.image.revision=" + COMMIT
                + " (GIT_COMMIT is unset: from the build's Git checkout)");
    }

    @Test
    void aCheckoutThatBuiltNothingGivesNoLabels() {
        TestRun run = TestRun.of("empty");
        run.addAction(new BuildData());
        assertThat(GitCheckout.of(run)).isEqualTo(GitCheckout.NONE);
    }
}
