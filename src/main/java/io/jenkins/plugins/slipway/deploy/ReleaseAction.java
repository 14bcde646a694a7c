package io.jenkins.plugins.slipway.deploy;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Run;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runners.RunnerConnection;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * The build page's view of one release: app, revision, phase, the steps so far and a link to the runner.
 * One per release a build started, so a build that deploys two apps shows both.
 */
public class ReleaseAction implements RunAction2 {

    /** Steps kept for the page; a release has a handful, a runaway one must not bloat build.xml. */
    private static final int MAX_STEPS = 200;

    private final String app;
    private final String runnerName;
    private final String runnerUrl;
    private final String releaseId;
    private final int revision;
    private String phase = "Pending";
    private String message;
    private final List<String> steps = new ArrayList<>();
    private transient Run<?, ?> run;

    ReleaseAction(String app, String runnerName, String runnerUrl, String releaseId, int revision) {
        this.app = app;
        this.runnerName = runnerName;
        this.runnerUrl = runnerUrl;
        this.releaseId = releaseId;
        this.revision = revision;
    }

    static void attach(Run<?, ?> run, String app, RunnerConnection runner, String releaseId, int revision) {
        if (find(run, releaseId) == null) {
            run.addAction(new ReleaseAction(app, runner.name(), runner.url(), releaseId, revision));
        }
    }

    static @CheckForNull ReleaseAction find(Run<?, ?> run, String releaseId) {
        for (ReleaseAction a : run.getActions(ReleaseAction.class)) {
            if (a.releaseId.equals(releaseId)) {
                return a;
            }
        }
        return null;
    }

    synchronized void record(ReleaseEvent event) {
        if (event.phase() != null) {
            phase = event.phase().name();
        }
        if (event.message() != null) {
            message = event.message();
        }
        if (isStep(event.type()) && steps.size() < MAX_STEPS) {
            steps.add(event.message());
        }
    }

    private static boolean isStep(String type) {
        return EventTypes.STEP_STARTED.equals(type) || EventTypes.ANALYSIS_MEASURED.equals(type)
                || EventTypes.RELEASE_PAUSED.equals(type) || EventTypes.ROLLBACK_STARTED.equals(type)
                || EventTypes.TERMINAL.contains(type);
    }

    public String getApp() {
        return app;
    }

    public String getRunnerName() {
        return runnerName;
    }

    public String getRunnerUrl() {
        return runnerUrl;
    }

    /** The runner's own view of the release (JSON), for the page's link. */
    public String getReleaseUrl() {
        return runnerUrl + "/api/v1/releases/" + releaseId;
    }

    public String getReleaseId() {
        return releaseId;
    }

    public int getRevision() {
        return revision;
    }

    public synchronized String getPhase() {
        return phase;
    }

    public synchronized String getMessage() {
        return message;
    }

    public synchronized List<String> getSteps() {
        return List.copyOf(steps);
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public String getIconFileName() {
        return "document.png";
    }

    @Override
    public String getDisplayName() {
        return "Release " + app + " #" + revision;
    }

    @Override
    public String getUrlName() {
        return "slipway-release-" + releaseId;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }
}
