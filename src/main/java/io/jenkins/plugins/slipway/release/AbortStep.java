package io.jenkins.plugins.slipway.release;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.slipway.runners.AppStep;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code slipwayAbort}: fails an app's release in progress by hand: traffic returns to the stable revision,
 * then the new replicas are removed.
 */
public class AbortStep extends AppStep {

    private String reason;

    @DataBoundConstructor
    public AbortStep(@NonNull String app) {
        super("slipwayAbort", app);
    }

    public @CheckForNull String getReason() {
        return reason;
    }

    /** Recorded with the release and shown in its events. */
    @DataBoundSetter
    public void setReason(@CheckForNull String reason) {
        this.reason = reason == null || reason.isBlank() ? null : reason.trim();
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, getRunner(), getApp(), reason);
    }

    private static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String runner;
        private final String app;
        private final String reason;

        Execution(StepContext context, String runner, String app, String reason) {
            super(context);
            this.runner = runner;
            this.app = app;
            this.reason = reason;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            String why = reason != null ? reason : "aborted by slipwayAbort";
            return ReleaseControl.act(getContext(), runner, app, "abort", (client, id) -> client.abort(id, why));
        }
    }

    @Extension
    @Symbol("slipwayAbort")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "slipwayAbort";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Abort a Slipway release";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
