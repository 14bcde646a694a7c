package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.Order;
import java.util.ArrayList;
import java.util.List;

/** Pure step planning of a rolling release: batches of {@code parallelism}, service after service. */
public final class RollingPlan {
    private RollingPlan() {
    }

    /**
     * What changes for one service.
     *
     * @param fromRevision running service revision, null when the service is new
     * @param toRevision   the service revision to run, null when the service goes away
     */
    public record Change(String service, Integer fromRevision, int oldReplicas, Integer toRevision, int newReplicas,
                         int parallelism, Order order) {
    }

    public static List<RollingStep> plan(List<Change> changes) {
        List<RollingStep> steps = new ArrayList<>();
        for (Change c : changes) {
            int oldN = c.fromRevision() == null ? 0 : c.oldReplicas();
            int newN = c.toRevision() == null ? 0 : c.newReplicas();
            int p = Math.max(1, c.parallelism());
            int batches = Math.max(1, Math.max(ceil(newN, p), ceil(oldN, p)));
            for (int k = 1; k <= batches; k++) {
                steps.add(new RollingStep(c.service(), c.fromRevision(), c.toRevision(), Math.min(newN, k * p),
                        k == batches ? 0 : Math.max(0, oldN - k * p), c.order()));
            }
        }
        return steps;
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
