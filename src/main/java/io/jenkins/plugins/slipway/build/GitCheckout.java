package io.jenkins.plugins.slipway.build;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import hudson.plugins.git.Revision;
import hudson.plugins.git.util.BuildData;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The commit and remote URL of the build's Git checkout, as the git plugin records them ({@link BuildData},
 * one per checkout). A scripted pipeline's {@code checkout scm} returns GIT_COMMIT and GIT_URL but does not
 * put them into the environment; this is where they are found then.
 *
 * <p>The git plugin is an optional dependency: without it {@link BuildData} cannot be loaded, which
 * {@link #of(Run)} reports as "no checkout" rather than failing the build.
 */
record GitCheckout(@CheckForNull String commit, @CheckForNull String url, int checkouts) {
    private static final Logger LOGGER = Logger.getLogger(GitCheckout.class.getName());
    static final GitCheckout NONE = new GitCheckout(null, null, 0);

    /**
     * The first Git checkout of the build (a Pipeline from SCM checks its Jenkinsfile's repository out first;
     * shared libraries come later), or {@link #NONE}.
     */
    static GitCheckout of(Run<?, ?> run) {
        try {
            return fromBuildData(run);
        } catch (LinkageError noGitPlugin) {
            LOGGER.log(Level.FINE, "git plugin not installed: no Git data for " + run, noGitPlugin);
            return NONE;
        }
    }

    private static GitCheckout fromBuildData(Run<?, ?> run) {
        List<BuildData> checkouts = run.getActions(BuildData.class);
        for (BuildData data : checkouts) {
            Revision revision = data.getLastBuiltRevision();
            if (revision != null && !revision.getSha1String().isEmpty()) {
                String url = data.getRemoteUrls().stream().sorted().findFirst().orElse(null);
                return new GitCheckout(revision.getSha1String(), url, checkouts.size());
            }
        }
        return NONE;
    }
}
