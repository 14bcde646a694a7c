package io.jenkins.plugins.slipway.runner.release.bluegreen;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The router weights of a blue-green release. Each is applied as one route spec swap, which is what makes the
 * switch atomic: a request in flight finishes where it went, every new request goes to the new revision.
 *
 * @param activeBefore   the service's route before the switch: everything on the old revision
 * @param activeAfter    the service's route after the switch: everything on the new revision
 * @param preview        the preview route: everything on the new revision (empty map when there is no preview port)
 * @param rollback       the service's route to go back to on abort: {@link #activeBefore}
 * @param scaleDownOldAt when the old revision may stop, {@code scaleDownDelaySeconds} after the switch
 */
public record SwitchPlan(Map<String, Integer> activeBefore, Map<String, Integer> activeAfter,
                         Map<String, Integer> preview, Map<String, Integer> rollback, Instant scaleDownOldAt) {

    /**
     * @param oldRevision the revision serving now; null on an app's first release
     * @param switchAt    when the switch happens
     */
    public static SwitchPlan of(ReleaseSpec.BlueGreen spec, @CheckForNull String oldRevision, String newRevision,
                                Instant switchAt) {
        Objects.requireNonNull(newRevision, "newRevision");
        Map<String, Integer> before = oldRevision == null ? Map.of() : Map.of(oldRevision, 100);
        Map<String, Integer> after = Map.of(newRevision, 100);
        Map<String, Integer> preview = spec.previewPort() == null ? Map.of() : after;
        return new SwitchPlan(before, after, preview, before,
                switchAt.plusSeconds(spec.scaleDownDelaySeconds()));
    }
}
