package io.jenkins.plugins.slipway.runners;

import hudson.model.TaskListener;
import java.io.IOException;
import java.io.PrintStream;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The build log of an asynchronous step, for the callbacks of its runner connection (event and log streams,
 * timers), which cannot throw the checked exceptions {@link StepContext#get} declares.
 */
public final class StepLog {
    private StepLog() {
    }

    /** The step's build log; fails unchecked when the build is gone or the thread was interrupted. */
    public static PrintStream of(StepContext context) {
        try {
            return context.get(TaskListener.class).getLogger();
        } catch (IOException e) {
            throw new IllegalStateException("the build log of this step is gone", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the build log", e);
        }
    }
}
