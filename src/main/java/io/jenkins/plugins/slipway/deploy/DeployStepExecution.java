package io.jenkins.plugins.slipway.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Computer;
import hudson.model.Run;
import io.jenkins.plugins.slipway.runners.RunnerConnection;
import io.jenkins.plugins.slipway.runners.RunnerConnections;
import io.jenkins.plugins.slipway.runners.StepLog;
import io.jenkins.plugins.slipway.runner.client.Cause;
import io.jenkins.plugins.slipway.runner.client.ComposeInputs;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Sends the deploy, then follows the release's event stream without holding a thread: events arrive on the
 * HTTP client's selector and are written to the build log as they come.
 *
 * <p>{@link #start()} and {@link #stop(Throwable)} run on the CPS VM thread, which every pipeline of the
 * controller shares, so they only hand work over: the workspace and the runner are touched on
 * {@link Computer#threadPoolForRemoting} (core's cached pool for blocking work, so one build's slow runner
 * call never waits behind another's), and delays (timeout, reconnect back-off) are timed by core's
 * {@link Timer}, whose few threads only hand the work on. The sequence number of the last
 * event written is part of this object's serialized state, so after a controller restart {@link #onResume()}
 * reconnects with {@code Last-Event-ID} and the log goes on exactly where it stopped.
 */
public class DeployStepExecution extends StepExecution {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(DeployStepExecution.class.getName());

    /** How often the runner is asked for the shares the router measured, while the step follows a release. */
    private static final long OBSERVE_EVERY_MILLIS = 5_000;

    /** Reconnects after a dropped stream back off up to this long. */
    private static final long MAX_BACKOFF_MILLIS = 10_000;

    /** Writes the plan of {@code validateOnly} one JSON line per log line, indented as a person reads it. */
    private static final ObjectWriter PLAN_JSON = new ObjectMapper().writerWithDefaultPrettyPrinter();

    private final String runnerName;
    private final String app;
    private final String composePath;
    private final LinkedHashMap<String, String> images;
    private final WaitMode wait;
    private final int timeoutMinutes;
    private final boolean validateOnly;

    // Progress, serialized with the program.
    private String releaseId;
    private int revision;
    private long lastEventId;
    private long deadlineMillis;
    private Phase phase = Phase.Pending;
    private String message;
    private int step;
    private int stepCount;
    private int canaryWeight;
    private boolean finished;

    private transient volatile RunnerConnection connection;
    private transient volatile RunnerClient.EventSubscription subscription;
    private transient volatile ScheduledFuture<?> timeoutTask;
    private transient volatile ScheduledFuture<?> observeTask;
    private transient int reconnects;

    DeployStepExecution(@NonNull StepContext context, DeployStep step) {
        super(context);
        this.runnerName = step.getRunner();
        this.app = step.getApp();
        this.composePath = step.getCompose();
        this.images = new LinkedHashMap<>(step.getImages());
        this.wait = WaitMode.parse(step.getWait());
        this.timeoutMinutes = step.getTimeout();
        this.validateOnly = step.isValidateOnly();
    }

    @Override
    public boolean start() {
        deadlineMillis = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(timeoutMinutes);
        blocking(this::deploy);
        return false;
    }

    /** Reads the Compose file where the workspace is, sends the deploy and starts following the release. */
    private void deploy() {
        try {
            Run<?, ?> run = run();
            FilePath workspace = getContext().get(FilePath.class);
            if (workspace == null) {
                throw new AbortException("slipwayDeploy: no workspace to read the compose file '" + composePath
                        + "' from: call slipwayDeploy inside node { }");
            }
            EnvVars env = getContext().get(EnvVars.class);
            FilePath composeFile = workspace.child(composePath);
            if (!composeFile.exists()) {
                throw new AbortException("slipwayDeploy: compose file '" + composePath + "' not found in the workspace "
                        + workspace.getRemote());
            }
            String composeText = composeFile.readToString();
            ComposeInputs.Values values = WorkspaceInputs.read(composeText, workspace, composePath, env, run);
            connection = RunnerConnections.open(runnerName, run);
            DeployRequest request = new DeployRequest(composeText, images,
                    new Cause(env.get("BUILD_URL"), run.getNumber(), env.get("GIT_COMMIT"))).with(values);
            if (validateOnly) {
                validate(request);
                return;
            }
            log().println("[slipway] deploying app '" + app + "' from " + composePath + " to runner "
                    + connection.describe() + (images.isEmpty() ? "" : " with images " + images)
                    + WorkspaceInputs.describe(values));
            DeployResponse response = connection.client().deploy(app, request);
            PrintStream log = log();
            for (String warning : response.warnings()) {
                log.println("[slipway] warning: " + warning);
            }
            revision = response.revision();
            if (response.release() == null) {
                log.println("[slipway] app '" + app + "' already runs this spec at revision " + revision
                        + "; nothing to release");
                phase = Phase.Succeeded;
                message = "unchanged";
                succeed();
                return;
            }
            boolean stoppedMeanwhile;
            synchronized (this) {
                releaseId = response.release();
                stoppedMeanwhile = finished;
            }
            if (stoppedMeanwhile) {
                // stop() came while the deploy was on its way and had nothing to abort yet.
                LOGGER.log(Level.INFO, "release {0} of app {1} started after its build was stopped: {2}",
                        new Object[] {releaseId, app, abortRelease("Jenkins build stopped before the runner answered")});
                return;
            }
            log.println("[slipway] release " + releaseId + ": app '" + app + "' to revision " + revision);
            ReleaseAction.attach(run(), app, connection, releaseId, revision);
            getContext().saveState();
            if (wait == WaitMode.NONE) {
                ReleaseStatus status = connection.client().release(releaseId);
                phase = status.phase();
                message = status.message();
                succeed();
                return;
            }
            armTimeout();
            blocking(this::observe);
            follow();
        } catch (RunnerException e) {
            fail(new AbortException("slipwayDeploy: " + e.getMessage()));
        } catch (Exception e) {
            fail(e);
        }
    }

    /** {@code validateOnly: true}: the runner's plan for the deploy, into the log and back to the pipeline; nothing is created. */
    private void validate(DeployRequest request) throws IOException, InterruptedException {
        log().println("[slipway] validating app '" + app + "' from " + composePath + " on runner " + connection.describe()
                + (images.isEmpty() ? "" : " with images " + images) + " (validateOnly: nothing is deployed)");
        Map<String, Object> plan = connection.client().validate(app, request);
        PrintStream log = log();
        for (String line : PLAN_JSON.writeValueAsString(plan).split("\n")) {
            log.println("[slipway] plan " + line);
        }
        if (markFinished()) {
            getContext().onSuccess(plan);
        }
    }

    private void follow() {
        long from;
        synchronized (this) {
            if (finished) {
                return;
            }
            from = lastEventId;
        }
        subscription = connection.client().subscribe(releaseId, from, this::onEvent, this::onStreamClosed);
    }

    private void onEvent(ReleaseEvent event) {
        // The log line and lastEventId change together, under the lock serialization takes too, so a saved
        // execution never claims an event its log does not show, nor shows one it will write again.
        synchronized (this) {
            if (finished || event.id() <= lastEventId) {
                return; // a replay after a reconnect: already written
            }
            lastEventId = event.id();
            if (event.phase() != null) {
                phase = event.phase();
            }
            if (event.message() != null) {
                message = event.message();
            }
            log().println(ReleaseLog.line(event, revision));
        }
        reconnects = 0;
        try {
            ReleaseAction action = ReleaseAction.find(run(), releaseId);
            if (action != null) {
                action.record(event);
            }
        } catch (IOException e) {
            LOGGER.log(Level.FINE, "could not record release event " + event.id() + " on the build page", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (event.isTerminal() || (wait == WaitMode.PAUSE && ReleaseLog.isIndefinitePause(event))) {
            if (!event.isTerminal()) {
                log().println("[slipway] release " + releaseId + " waits to be promoted; slipwayDeploy returns"
                        + " (wait: 'pause')");
            }
            conclude();
        } else {
            getContext().saveState();
        }
    }

    private void onStreamClosed(Throwable failure) {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        if (failure == null) {
            conclude(); // the terminal event was seen and handled; this covers a race where it was not
            return;
        }
        if (System.currentTimeMillis() >= deadlineMillis) {
            return; // the timeout handler concludes
        }
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 500L << Math.min(reconnects, 5));
        reconnects++;
        log().println("[slipway] event stream of release " + releaseId + " dropped (" + failure.getMessage()
                + "); reconnecting from event " + lastEventId + " in " + backoff + " ms");
        later(this::follow, backoff);
    }

    private void conclude() {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        if (phase == Phase.Succeeded || (wait == WaitMode.PAUSE && phase == Phase.Paused)) {
            succeed();
        } else if (phase.isTerminal()) {
            fail(new AbortException("slipwayDeploy: release " + releaseId + " of app '" + app + "' ended "
                    + phase + ": " + message));
        } else {
            // The stream ended without a terminal event we saw (a race with a reconnect): ask the runner.
            blocking(() -> {
                try {
                    ReleaseStatus status = connection.client().release(releaseId);
                    phase = status.phase();
                    message = status.message();
                    if (phase.isTerminal() || phase == Phase.Paused && wait == WaitMode.PAUSE) {
                        conclude();
                    } else {
                        follow();
                    }
                } catch (RunnerException e) {
                    onStreamClosed(e);
                }
            });
        }
    }

    /**
     * Records on the build page what the router measured (the app's actual weights), then asks again after
     * {@link #OBSERVE_EVERY_MILLIS}, until the step ends. A failed look is only logged: the events go on.
     */
    private void observe() {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        try {
            ReleaseAction action = ReleaseAction.find(run(), releaseId);
            if (action != null) {
                action.observed(connection.client().app(app));
            }
        } catch (RunnerException | IOException e) {
            LOGGER.log(Level.FINE, "could not read the actual weights of app " + app, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        observeTask = later(this::observe, OBSERVE_EVERY_MILLIS);
    }

    private void armTimeout() {
        long delay = Math.max(0, deadlineMillis - System.currentTimeMillis());
        timeoutTask = later(this::timedOut, delay);
    }

    private void timedOut() {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        String reason = "slipwayDeploy timed out after " + timeoutMinutes + " min";
        String outcome = abortRelease(reason);
        fail(new AbortException("slipwayDeploy: release " + releaseId + " of app '" + app + "' was still " + phase
                + " after " + timeoutMinutes + " min; " + outcome));
    }

    /** Asks the runner to abort the release; says what happened, for the build log. */
    private String abortRelease(String reason) {
        if (releaseId == null || phase.isTerminal()) {
            return "nothing to abort";
        }
        try {
            ReleaseStatus status = connection.client().abort(releaseId, reason);
            return "the runner aborted it (" + status.phase() + ")";
        } catch (RunnerException e) {
            return "aborting it failed: " + e.getMessage();
        }
    }

    @Override
    public void stop(@NonNull Throwable cause) throws Exception {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        blocking(() -> {
            if (connection != null) {
                log().println("[slipway] build stopped: " + abortRelease("Jenkins build stopped: " + cause));
            }
            fail(cause);
        });
    }

    @Override
    public void onResume() {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        blocking(() -> {
            try {
                connection = RunnerConnections.open(runnerName, run());
            } catch (Exception e) {
                fail(e);
                return;
            }
            if (releaseId == null) {
                fail(new AbortException("slipwayDeploy: Jenkins restarted before runner " + connection.describe()
                        + " acknowledged the deploy of app '" + app + "'; see the app's state on the runner"));
                return;
            }
            log().println("[slipway] resuming release " + releaseId + " after event " + lastEventId);
            if (wait != WaitMode.NONE) {
                armTimeout();
            }
            blocking(this::observe);
            follow();
        });
    }

    /** Work that may block (the workspace, the runner): never on the CPS VM thread, never on the Timer. */
    private static void blocking(Runnable work) {
        Computer.threadPoolForRemoting.execute(work);
    }

    /** Work after a delay: Timer keeps the time, the work itself runs where blocking is allowed. */
    private static ScheduledFuture<?> later(Runnable work, long delayMillis) {
        return Timer.get().schedule(() -> blocking(work), delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public String getStatus() {
        return releaseId == null ? "deploying app " + app
                : "following release " + releaseId + " (" + phase + ", event " + lastEventId + ")";
    }

    private void succeed() {
        if (!markFinished()) {
            return;
        }
        if (releaseId == null) {
            getContext().onSuccess(summary());
            return;
        }
        // Where the release stands (step, weight) for the pipeline: at a gate that is what it asks a person about.
        blocking(() -> {
            try {
                ReleaseStatus status = connection.client().release(releaseId);
                step = status.step();
                stepCount = status.stepCount();
                canaryWeight = status.canaryWeight();
            } catch (RunnerException e) {
                LOGGER.log(Level.FINE, "could not read the state of release " + releaseId, e);
            }
            getContext().onSuccess(summary());
        });
    }

    private void fail(Throwable t) {
        if (markFinished()) {
            getContext().onFailure(t);
        }
    }

    private boolean markFinished() {
        synchronized (this) {
            if (finished) {
                return false;
            }
            finished = true;
        }
        RunnerClient.EventSubscription s = subscription;
        if (s != null) {
            s.close();
        }
        for (ScheduledFuture<?> t : new ScheduledFuture<?>[] {timeoutTask, observeTask}) {
            if (t != null) {
                t.cancel(false);
            }
        }
        return true;
    }

    /** What the step returns to the pipeline: plain values only, so the CPS program can keep it. */
    Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("app", app);
        summary.put("revision", revision);
        summary.put("release", releaseId);
        summary.put("phase", phase.name());
        summary.put("step", step);
        summary.put("stepCount", stepCount);
        summary.put("canaryWeight", canaryWeight);
        summary.put("message", message);
        summary.put("runner", connection == null ? null : connection.url());
        return summary;
    }

    private Run<?, ?> run() throws IOException, InterruptedException {
        return getContext().get(Run.class);
    }

    private PrintStream log() {
        return StepLog.of(getContext());
    }

    private synchronized void writeObject(java.io.ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
    }

    /** For tests: the sequence number of the last event written to the log. */
    synchronized long lastEventId() {
        return lastEventId;
    }
}
