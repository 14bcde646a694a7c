package io.jenkins.plugins.slipway.runner.release;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.release.bluegreen.BlueGreenStrategy;
import io.jenkins.plugins.slipway.runner.release.canary.CanaryStrategy;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Chooses a release's strategy and prepares its state. A revision releases all the services it changes together:
 * the first replaced service (in file order) whose {@code x-slipway.release} is canary or blue-green leads, and the
 * other changed services follow its steps (same weights, same switch), so that a rollback returns the whole app to
 * its previous revision. Without such a service, and on an app's first release (nothing to compare with), the
 * release is rolling.
 */
public final class GrayPlans {
    private GrayPlans() {
    }

    /** The strategy, step count and initial state of a canary or blue-green release. */
    public record Initial(String strategy, int stepCount, ObjectNode state, String lead, List<String> warnings) {
    }

    /**
     * @param changes  what the revision changes, service by service
     * @param original the app's replica sets before the release (restored on rollback)
     * @return empty for a rolling release
     */
    public static Optional<Initial> initial(AppSpec spec, List<RollingPlan.Change> changes, List<ReplicaSet> original) {
        String lead = null;
        for (String service : spec.services().keySet()) {
            boolean replaced = changes.stream().anyMatch(c -> c.service().equals(service)
                    && c.fromRevision() != null && c.toRevision() != null);
            if (replaced && !(spec.services().get(service).release() instanceof ReleaseSpec.Rolling)) {
                lead = service;
                break;
            }
        }
        if (lead == null) {
            return Optional.empty();
        }
        ServiceSpec leader = spec.services().get(lead);
        List<String> warnings = new ArrayList<>();
        for (RollingPlan.Change c : changes) {
            if (c.toRevision() == null || c.service().equals(lead)) {
                continue;
            }
            ReleaseSpec own = spec.services().get(c.service()).release();
            if (!(own instanceof ReleaseSpec.Rolling) && !own.equals(leader.release())) {
                warnings.add("services." + c.service() + ".x-slipway.release: this revision also changes " + lead
                        + ", whose " + leader.release().strategy() + " release leads; " + c.service()
                        + " follows its steps so that the app is released and rolled back as one");
            }
        }
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("lead", lead);
        List<ServiceChange> services = new ArrayList<>();
        for (RollingPlan.Change c : changes) {
            services.add(new ServiceChange(c.service(), c.fromRevision(), c.toRevision(), c.newReplicas()));
        }
        state.set("services", Json.MAPPER.valueToTree(services));
        state.set("original", Json.MAPPER.valueToTree(original));
        state.put("index", 0);
        state.put("weight", 0);
        if (leader.release() instanceof ReleaseSpec.Canary canary) {
            return Optional.of(new Initial(CanaryStrategy.NAME, canary.steps().size(), state, lead, warnings));
        }
        return Optional.of(new Initial(BlueGreenStrategy.NAME, BlueGreenStrategy.STEPS, state, lead, warnings));
    }
}
