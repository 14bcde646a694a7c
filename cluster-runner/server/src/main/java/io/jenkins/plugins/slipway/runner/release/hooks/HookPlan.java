package io.jenkins.plugins.slipway.runner.release.hooks;

import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.StartOrder;
import java.util.List;

/**
 * The one-shot services a release of an app runs, in the order it runs them: {@code before} ahead of any change
 * to the app ({@code beforeRelease} tasks and the targets of {@code service_completed_successfully}, in
 * {@code depends_on} order, so a task another one depends on runs first), {@code after} once the new revision
 * carries all the traffic. Every release runs all of them, whichever services it changes: a migration belongs
 * to the release, not to its own service's revision.
 */
public record HookPlan(List<String> before, List<String> after) {
    public HookPlan {
        before = List.copyOf(before);
        after = List.copyOf(after);
    }

    /** The plan of a revision. */
    public static HookPlan of(AppSpec spec) {
        List<String> before = spec.services().values().stream()
                .filter(s -> s.oneShot() != null && s.oneShot().when().before()).map(ServiceSpec::name).toList();
        List<String> after = spec.services().values().stream()
                .filter(s -> s.oneShot() != null && !s.oneShot().when().before()).map(ServiceSpec::name).toList();
        return new HookPlan(StartOrder.of(spec.services(), before), StartOrder.of(spec.services(), after));
    }

    public boolean isEmpty() {
        return before.isEmpty() && after.isEmpty();
    }
}
