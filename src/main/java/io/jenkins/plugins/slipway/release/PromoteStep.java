package io.jenkins.plugins.slipway.release;

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

/** {@code slipwayPromote}: moves a paused gray release of an app to its next step, or all the way. */
public class PromoteStep extends AppStep {

    private boolean full;

    @DataBoundConstructor
    public PromoteStep(@NonNull String app) {
        super("slipwayPromote", app);
    }

    public boolean isFull() {
        return full;
    }

    /** Skip every remaining step and analysis: the new revision gets all traffic now. */
    @DataBoundSetter
    public void setFull(boolean full) {
        this.full = full;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new Execution(context, getRunner(), getApp(), full);
    }

    private static final class Execution extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String runner;
        private final String app;
        private final boolean full;

        Execution(StepContext context, String runner, String app, boolean full) {
            super(context);
            this.runner = runner;
            this.app = app;
            this.full = full;
        }

        @Override
        protected Map<String, Object> run() throws Exception {
            return ReleaseControl.act(getContext(), runner, app, full ? "fully promote" : "promote",
                    (client, id) -> client.promote(id, full));
        }
    }

    @Extension
    @Symbol("slipwayPromote")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "slipwayPromote";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Promote a paused Slipway release";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
