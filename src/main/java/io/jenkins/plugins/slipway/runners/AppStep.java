package io.jenkins.plugins.slipway.runners;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * What the steps that act on an app through a cluster runner share: the app's name (required) and the runner
 * (optional: the default runner from the global configuration).
 */
public abstract class AppStep extends Step {

    private final String app;
    private String runner;

    /**
     * @param functionName the step's DSL name, for the error message
     * @throws IllegalArgumentException when {@code app} is blank
     */
    protected AppStep(String functionName, String app) {
        if (app == null || app.isBlank()) {
            throw new IllegalArgumentException(functionName + ": app is required");
        }
        this.app = app.trim();
    }

    public String getApp() {
        return app;
    }

    public @CheckForNull String getRunner() {
        return runner;
    }

    /** Name of a runner from the global configuration; empty means the default runner. */
    @DataBoundSetter
    public void setRunner(@CheckForNull String runner) {
        this.runner = runner == null || runner.isBlank() ? null : runner.trim();
    }
}
