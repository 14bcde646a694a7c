package io.jenkins.plugins.slipway.deploy;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.slipway.config.Strings;
import io.jenkins.plugins.slipway.runners.AppStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code slipwayDeploy}: hands a Compose file and the pushed image references to a cluster runner, follows
 * the release into the build log, and fails the build when the release fails, rolls back or is aborted.
 */
public class DeployStep extends AppStep {

    static final int DEFAULT_TIMEOUT_MINUTES = 30;

    private String compose = "compose.yml";
    private Map<String, String> images = new LinkedHashMap<>();
    private String wait = WaitMode.COMPLETION.symbol();
    private int timeout = DEFAULT_TIMEOUT_MINUTES;
    private boolean validateOnly;

    @DataBoundConstructor
    public DeployStep(@NonNull String app) {
        super("slipwayDeploy", app);
    }

    public String getCompose() {
        return compose;
    }

    /** The Compose file, relative to the workspace. */
    @DataBoundSetter
    public void setCompose(@CheckForNull String compose) {
        this.compose = compose == null || compose.isBlank() ? "compose.yml" : compose.trim();
    }

    public Map<String, String> getImages() {
        return images;
    }

    /** Image reference per service, usually the digests {@code slipwayPush} returned. */
    @DataBoundSetter
    public void setImages(@CheckForNull Map<String, ?> images) {
        this.images = Strings.textMap(images);
    }

    public String getWait() {
        return wait;
    }

    /** {@code completion} (default), {@code pause} or {@code none}. */
    @DataBoundSetter
    public void setWait(@CheckForNull String wait) {
        this.wait = WaitMode.parse(wait).symbol();
    }

    public int getTimeout() {
        return timeout;
    }

    /** Minutes the step waits for the release before it aborts it and fails. */
    @DataBoundSetter
    public void setTimeout(int timeout) {
        if (timeout < 1) {
            throw new IllegalArgumentException("slipwayDeploy: timeout must be at least 1 minute, got " + timeout);
        }
        this.timeout = timeout;
    }

    public boolean isValidateOnly() {
        return validateOnly;
    }

    /**
     * Only asks the runner what it would do: the step prints the runner's plan and returns it (or fails with
     * every problem the runner finds), and nothing is deployed.
     */
    @DataBoundSetter
    public void setValidateOnly(boolean validateOnly) {
        this.validateOnly = validateOnly;
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        return new DeployStepExecution(context, this);
    }

    @Extension
    @Symbol("slipwayDeploy")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "slipwayDeploy";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Deploy a Compose app through a Slipway cluster runner";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class, FilePath.class, EnvVars.class);
        }
    }
}
