package io.jenkins.plugins.slipway.release;

import hudson.AbortException;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runners.RunnerConnection;
import io.jenkins.plugins.slipway.runners.RunnerConnections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * What {@code slipwayPromote} and {@code slipwayAbort} share: find the app's current release on the runner,
 * act on it, print and return the release's state.
 */
final class ReleaseControl {

    private ReleaseControl() {
    }

    static Map<String, Object> act(StepContext context, String runnerName, String app, String verb,
                                   BiFunction<RunnerClient, String, ReleaseStatus> action) throws Exception {
        Run<?, ?> run = context.get(Run.class);
        TaskListener listener = context.get(TaskListener.class);
        RunnerConnection runner = RunnerConnections.open(runnerName, run);
        try {
            AppStatus status = runner.client().app(app);
            String releaseId = status.currentRelease();
            if (releaseId == null) {
                throw new AbortException("Slipway: app '" + app + "' on runner " + runner.describe()
                        + " has no release to " + verb);
            }
            ReleaseStatus release = action.apply(runner.client(), releaseId);
            // The runner answers as soon as it took the command; the release acts on it in its next pass, and
            // a slipwayDeploy following the release prints what happens next.
            listener.getLogger().println("[slipway] " + verb + " release " + release.id() + " of app '" + app
                    + "': accepted by the runner; the release is " + release.phase() + " at step " + release.step()
                    + "/" + release.stepCount() + " with " + release.canaryWeight() + "% on the new revision"
                    + (release.message() == null ? "" : " (" + release.message() + ")"));
            return summary(release);
        } catch (RunnerException e) {
            throw new AbortException("Slipway: could not " + verb + " the release of app '" + app + "': "
                    + e.getMessage());
        }
    }

    static Map<String, Object> summary(ReleaseStatus release) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("release", release.id());
        m.put("app", release.app());
        m.put("revision", release.toRevision());
        m.put("phase", release.phase().name());
        m.put("step", release.step());
        m.put("stepCount", release.stepCount());
        m.put("canaryWeight", release.canaryWeight());
        m.put("message", release.message());
        return m;
    }
}
