package io.jenkins.plugins.slipway.runner.release.rolling;

import io.jenkins.plugins.slipway.runner.release.RollingStep;
import io.jenkins.plugins.slipway.runner.release.ServiceChange;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.Order;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure step planning of a rolling release: batches of {@code update_config.parallelism} (a quarter of the replicas
 * when the file gives none), service after service.
 */
public final class RollingPlan {
    private RollingPlan() {
    }

    public static List<RollingStep> plan(List<ServiceChange> changes) {
        List<RollingStep> steps = new ArrayList<>();
        for (ServiceChange c : changes) {
            int oldN = c.fromRevision() == null ? 0 : c.oldReplicas();
            int newN = c.toRevision() == null ? 0 : c.newReplicas();
            ServiceSpec.UpdateConfig u = c.spec() == null ? ServiceSpec.UpdateConfig.DEFAULT : c.spec().updateConfig();
            // A service with nothing running yet starts all its replicas at once, as Compose does.
            int p = c.fromRevision() == null ? Math.max(1, newN) : u.batch(Math.max(newN, oldN));
            Order order = u.order();
            int batches = Math.max(1, Math.max(ceil(newN, p), ceil(oldN, p)));
            for (int k = 1; k <= batches; k++) {
                steps.add(new RollingStep(c.service(), c.fromRevision(), c.toRevision(), Math.min(newN, k * p),
                        k == batches ? 0 : Math.max(0, oldN - k * p), order));
            }
        }
        return steps;
    }

    private static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
