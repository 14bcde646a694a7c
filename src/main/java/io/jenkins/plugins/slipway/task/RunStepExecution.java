package io.jenkins.plugins.slipway.task;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.model.Computer;
import hudson.model.Run;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerException;
import io.jenkins.plugins.slipway.runner.client.TaskLine;
import io.jenkins.plugins.slipway.runner.client.TaskRequest;
import io.jenkins.plugins.slipway.runner.client.TaskStatus;
import io.jenkins.plugins.slipway.runners.RunnerConnection;
import io.jenkins.plugins.slipway.runners.RunnerConnections;
import io.jenkins.plugins.slipway.runners.StepLog;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jenkins.util.Timer;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * Starts the task on the runner, then follows its log stream without holding a thread: lines arrive on the HTTP
 * client's selector and go to the build log as they come. The runner enforces the timeout itself (so a task
 * ends even when Jenkins is gone); {@link #stop(Throwable)} asks it to stop the task. The task id and the number
 * of the last line written are serialized, so after a controller restart {@link #onResume()} follows on from
 * the next line.
 *
 * <p>{@link #start()} and {@link #stop(Throwable)} run on the CPS VM thread and only hand work over to
 * {@link Computer#threadPoolForRemoting}, as {@code slipwayDeploy} does.
 */
public class RunStepExecution extends StepExecution {
    private static final long serialVersionUID = 1L;
    private static final Logger LOGGER = Logger.getLogger(RunStepExecution.class.getName());
    private static final long MAX_BACKOFF_MILLIS = 10_000;
    private static final int STOP_GRACE_SECONDS = 10;

    private final String runnerName;
    private final String image;
    private final ArrayList<String> command;
    private final int timeoutMinutes;
    private final boolean returnStatus;
    /** Held only until the task is started: the values may be secrets and never reach the program's state. */
    private final transient RunStep step;

    private String taskId;
    private long lastLine;
    private boolean finished;

    private transient volatile RunnerConnection connection;
    private transient volatile RunnerClient.EventSubscription subscription;
    private transient int reconnects;

    RunStepExecution(@NonNull StepContext context, RunStep step) {
        super(context);
        this.runnerName = step.getRunner();
        this.image = step.getImage();
        this.command = new ArrayList<>(step.getCommand());
        this.timeoutMinutes = step.getTimeout();
        this.returnStatus = step.isReturnStatus();
        this.step = step;
    }

    @Override
    public boolean start() {
        blocking(this::launch);
        return false;
    }

    private void launch() {
        try {
            connection = RunnerConnections.open(runnerName, run());
            TaskStatus started = connection.client().runTask(new TaskRequest(image, command, step.environment(),
                    timeoutMinutes * 60, STOP_GRACE_SECONDS));
            boolean stoppedMeanwhile;
            synchronized (this) {
                taskId = started.id();
                stoppedMeanwhile = finished;
            }
            if (stoppedMeanwhile) {
                // stop() came while the task was on its way and had nothing to stop yet.
                stopTask();
                return;
            }
            log().println("[slipway] task " + taskId + " on runner " + connection.describe() + ": " + image
                    + (command.isEmpty() ? "" : " " + String.join(" ", command))
                    + (started.envNames().isEmpty() ? "" : " with " + String.join(", ", started.envNames())));
            getContext().saveState();
            follow();
        } catch (RunnerException e) {
            fail(new AbortException("slipwayRun: " + e.getMessage()));
        } catch (Exception e) {
            fail(e);
        }
    }

    private void follow() {
        long from;
        synchronized (this) {
            if (finished) {
                return;
            }
            from = lastLine;
        }
        subscription = connection.client().followTask(taskId, from, this::onLine, this::onEnd, this::onStreamClosed);
    }

    private void onLine(TaskLine line) {
        // The log line and lastLine change together, under the lock serialization takes too.
        synchronized (this) {
            if (finished || line.id() <= lastLine) {
                return;
            }
            lastLine = line.id();
            log().println(line.text());
        }
        reconnects = 0;
    }

    private void onEnd(TaskStatus status) {
        String word = "[slipway] task " + status.id() + " " + status.state() + ": " + status.message();
        log().println(word);
        Integer code = status.exitCode();
        boolean ranToItsEnd = ("Succeeded".equals(status.state()) || "Failed".equals(status.state())) && code != null;
        if (ranToItsEnd && (code == 0 || returnStatus)) {
            succeed(code);
        } else {
            fail(new AbortException("slipwayRun: task " + status.id() + " from " + image + " " + status.state()
                    + ": " + status.message()));
        }
    }

    private void onStreamClosed(Throwable failure) {
        synchronized (this) {
            if (finished || failure == null) {
                return;
            }
        }
        if (failure instanceof RunnerException re && re.status() == 404) {
            fail(new AbortException("slipwayRun: runner " + connection.describe() + " no longer knows task " + taskId
                    + " (restarted, or it ended longer ago than the runner keeps tasks)"));
            return;
        }
        if (failure instanceof RunnerException re && re.status() / 100 == 4) {
            // Refused (a token that lost its rights): following again would be refused the same way.
            fail(new AbortException("slipwayRun: " + re.getMessage()));
            return;
        }
        long backoff = Math.min(MAX_BACKOFF_MILLIS, 500L << Math.min(reconnects, 5));
        reconnects++;
        log().println("[slipway] log stream of task " + taskId + " dropped (" + failure.getMessage()
                + "); reconnecting after line " + lastLine + " in " + backoff + " ms");
        Timer.get().schedule(() -> blocking(this::follow), backoff, TimeUnit.MILLISECONDS);
    }

    /** Asks the runner to stop the task; says what happened, for the build log. */
    private String stopTask() {
        if (taskId == null || connection == null) {
            return "no task started yet";
        }
        try {
            connection.client().stopTask(taskId);
            return "the runner stops task " + taskId + " (SIGTERM, SIGKILL after " + STOP_GRACE_SECONDS + " s)";
        } catch (RunnerException e) {
            return "stopping task " + taskId + " failed: " + e.getMessage();
        }
    }

    @Override
    public void stop(@NonNull Throwable cause) {
        synchronized (this) {
            if (finished) {
                return;
            }
        }
        blocking(() -> {
            if (connection != null) {
                log().println("[slipway] build stopped: " + stopTask());
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
            if (taskId == null) {
                fail(new AbortException("slipwayRun: Jenkins restarted before runner " + connection.describe()
                        + " acknowledged the task from " + image));
                return;
            }
            log().println("[slipway] resuming task " + taskId + " after line " + lastLine);
            follow();
        });
    }

    @Override
    public String getStatus() {
        return taskId == null ? "starting a task from " + image : "following task " + taskId + " (line " + lastLine + ")";
    }

    private static void blocking(Runnable work) {
        Computer.threadPoolForRemoting.execute(work);
    }

    private void succeed(int code) {
        if (markFinished()) {
            getContext().onSuccess(code);
        }
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
        return true;
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

    /** For tests: the id of the task on the runner, null until it answered. */
    synchronized String taskId() {
        return taskId;
    }

    /** For tests: the number of the last log line written. */
    synchronized long lastLine() {
        return lastLine;
    }
}
