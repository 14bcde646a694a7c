package io.jenkins.plugins.slipway.deploy;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Api;
import hudson.model.Run;
import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runners.RunnerConnection;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jenkins.model.RunAction2;
import org.kohsuke.stapler.export.Exported;
import org.kohsuke.stapler.export.ExportedBean;

/**
 * The build page's view of one release: app, revision, outcome, the step chain with the current step, the
 * weights set beside the shares the router measured, the latest analysis figures, and a link to the release in the runner's dashboard. One per
 * release a build started, so a build that deploys two apps shows both. The page re-reads
 * {@code api/json} while the release runs; the step feeds {@link #record} from the event stream.
 */
@ExportedBean
public class ReleaseAction implements RunAction2 {
    private final String app;
    private final String runnerName;
    private final String runnerUrl;
    private final String releaseId;
    private final int revision;
    private String phase = Phase.Pending.name();
    private String message;
    /** Id of the last event recorded: the page shows how current it is. */
    private long lastEventId;
    private ReleaseProgress progress = new ReleaseProgress();
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
        if (event.id() <= lastEventId) {
            return;
        }
        lastEventId = event.id();
        if (event.phase() != null) {
            phase = event.phase().name();
        }
        if (event.message() != null) {
            message = event.message();
        }
        progress.record(event);
    }

    /** The router's measured shares, from the runner's status of the app (polled while the step follows). */
    synchronized void observed(AppStatus status) {
        progress.observed(status, revision);
    }

    /** The page's data, at {@code <action>/api/json}. */
    public Api getApi() {
        return new Api(this);
    }

    @Exported
    public String getApp() {
        return app;
    }

    public String getRunnerName() {
        return runnerName;
    }

    public String getRunnerUrl() {
        return runnerUrl;
    }

    /** The release in the runner's dashboard, which the runner serves at its root. */
    @Exported
    public String getDashboardUrl() {
        String base = runnerUrl.endsWith("/") ? runnerUrl.substring(0, runnerUrl.length() - 1) : runnerUrl;
        return base + "/#/apps/" + encode(app) + "/releases/" + encode(releaseId);
    }

    /** The runner's own view of the release (JSON). */
    public String getReleaseUrl() {
        return runnerUrl + "/api/v1/releases/" + encode(releaseId);
    }

    @Exported
    public String getReleaseId() {
        return releaseId;
    }

    @Exported
    public int getRevision() {
        return revision;
    }

    @Exported
    public synchronized String getPhase() {
        return phase;
    }

    /** True once the release ended: the page stops re-reading. */
    @Exported
    public synchronized boolean isFinished() {
        return Phase.valueOf(phase).isTerminal();
    }

    /** How the release ended or where it stands, in a few words, for the build's summary. */
    public synchronized String getOutcome() {
        return switch (Phase.valueOf(phase)) {
            case Succeeded -> "succeeded";
            case Failed -> "failed";
            case RolledBack -> "rolled back";
            case Aborted -> "aborted";
            case Paused -> "paused at step " + progress.getStep() + " of " + progress.getStepCount();
            case Progressing -> "in progress, step " + progress.getStep() + " of " + progress.getStepCount();
            case Pending -> "pending";
        };
    }

    @Exported
    public synchronized String getMessage() {
        return message;
    }

    @Exported
    public synchronized long getLastEventId() {
        return lastEventId;
    }

    @Exported
    public synchronized int getStep() {
        return progress.getStep();
    }

    @Exported
    public synchronized int getStepCount() {
        return progress.getStepCount();
    }

    /** Percent of traffic set for the new revision; -1 while unknown. */
    @Exported
    public synchronized int getSetWeight() {
        return progress.getSetWeight();
    }

    /** Percent of requests the new revision answered over the last minute; -1 while unknown. */
    @Exported
    public synchronized int getActualWeight() {
        return progress.getActualWeight();
    }

    @Exported
    public synchronized List<ReleaseProgress.StepView> getSteps() {
        return progress.chain(Phase.valueOf(phase));
    }

    @Exported
    public synchronized List<ReleaseProgress.ServiceWeights> getWeights() {
        return progress.getWeights();
    }

    @Exported
    public synchronized List<ReleaseProgress.Metric> getAnalysis() {
        return progress.getAnalysis();
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

    /** An action loaded from a build.xml written before the progress was kept has none: start one. */
    protected Object readResolve() {
        if (progress == null) {
            progress = new ReleaseProgress();
        }
        return this;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
