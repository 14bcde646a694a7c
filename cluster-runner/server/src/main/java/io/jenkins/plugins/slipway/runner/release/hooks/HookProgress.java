package io.jenkins.plugins.slipway.runner.release.hooks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where the one-shot services of a release stand, saved with the release's progress so that a pass knows which
 * hook comes next. A runner restarted while a hook ran finds its task gone (tasks live in the runner's memory)
 * and fails the release rather than run a migration twice behind the user's back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class HookProgress {
    /** What the release is at, as far as its hooks go. */
    public enum Stage {
        /** Running the hooks of {@link HookPlan#before()}. */
        Before,
        /** The strategy moves the app to the new revision. */
        Release,
        /** The new revision carries all the traffic; running the hooks of {@link HookPlan#after()}. */
        After,
        /** Every hook exited 0. */
        Done
    }

    public Stage stage = Stage.Before;
    /** The index of the hook at work in the stage's list. */
    public int next;
    /** The task of that hook once started; null while it waits for its dependencies. */
    public String taskId;
    /** When that hook began: its wait for its dependencies counts in its timeout (epoch ms). */
    public Long since;
}
