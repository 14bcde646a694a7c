package io.jenkins.plugins.slipway.task;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.Extension;
import hudson.model.Run;
import hudson.model.TaskListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code slipwayRun}: runs a container to completion on a cluster runner's engine (a migration, a batch job, a
 * test), writes its output into the build log as it comes and returns its exit code. A non-zero exit code fails
 * the step unless {@code returnStatus} is true; a stopped build or the timeout stops the container.
 */
public class RunStep extends Step {
    static final int DEFAULT_TIMEOUT_MINUTES = 60;
    static final int MAX_TIMEOUT_MINUTES = 24 * 60;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final String image;
    private List<String> command = new ArrayList<>();
    private List<String> env = new ArrayList<>();
    private String runner;
    private int timeout = DEFAULT_TIMEOUT_MINUTES;
    private boolean returnStatus;

    @DataBoundConstructor
    public RunStep(@NonNull String image) {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("slipwayRun: image is required");
        }
        this.image = image.trim();
    }

    public String getImage() {
        return image;
    }

    public List<String> getCommand() {
        return command;
    }

    /** Replaces the image's command, one argument per element; empty keeps the image's. */
    @DataBoundSetter
    public void setCommand(@CheckForNull List<String> command) {
        this.command = command == null ? new ArrayList<>() : new ArrayList<>(command);
    }

    public List<String> getEnv() {
        return env;
    }

    /** Variables for the container, each {@code NAME=VALUE} as {@code withEnv} takes them. */
    @DataBoundSetter
    public void setEnv(@CheckForNull List<String> env) {
        List<String> vars = env == null ? new ArrayList<>() : new ArrayList<>(env);
        for (String v : vars) {
            int eq = v == null ? -1 : v.indexOf('=');
            if (eq < 1 || !ENV_NAME.matcher(v.substring(0, eq)).matches()) {
                // The value may be a secret: only the part before '=' is named.
                String name = v == null ? "null" : eq < 0 ? "an entry without '='" : "'" + v.substring(0, eq) + "'";
                throw new IllegalArgumentException("slipwayRun: env entries must be NAME=VALUE with NAME of letters,"
                        + " digits and _, got " + name);
            }
        }
        this.env = vars;
    }

    /** The variables as a map, in the order given; a later entry of the same name wins. */
    Map<String, String> environment() {
        Map<String, String> vars = new LinkedHashMap<>();
        for (String v : env) {
            int eq = v.indexOf('=');
            vars.put(v.substring(0, eq), v.substring(eq + 1));
        }
        return vars;
    }

    public @CheckForNull String getRunner() {
        return runner;
    }

    /** Name of a runner from the global configuration; empty means the default runner. */
    @DataBoundSetter
    public void setRunner(@CheckForNull String runner) {
        this.runner = runner == null || runner.isBlank() ? null : runner.trim();
    }

    public int getTimeout() {
        return timeout;
    }

    /** Minutes the task may run before the runner stops it and the step fails. */
    @DataBoundSetter
    public void setTimeout(int timeout) {
        if (timeout < 1 || timeout > MAX_TIMEOUT_MINUTES) {
            throw new IllegalArgumentException("slipwayRun: timeout must be between 1 and " + MAX_TIMEOUT_MINUTES
                    + " minutes, got " + timeout);
        }
        this.timeout = timeout;
    }

    public boolean isReturnStatus() {
        return returnStatus;
    }

    /** Return a non-zero exit code instead of failing the step. */
    @DataBoundSetter
    public void setReturnStatus(boolean returnStatus) {
        this.returnStatus = returnStatus;
    }

    @Override
    public StepExecution start(StepContext context) {
        return new RunStepExecution(context, this);
    }

    @Extension
    @Symbol("slipwayRun")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "slipwayRun";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return "Run a container to completion on a Slipway cluster runner";
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(Run.class, TaskListener.class);
        }
    }
}
