package io.jenkins.plugins.slipway.runner.release;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The initial state of a canary or blue-green release. A revision releases all the services it changes together:
 * the first replaced service (in file order) whose {@code x-slipway.release} is canary or blue-green leads, and the
 * other changed services follow its steps (same weights, same switch), so that a rollback returns the whole app to
 * its previous revision. {@link Strategies#choose} picks the lead's strategy; without such a service, and on an
 * app's first release (nothing to compare with), the release is rolling.
 */
public final class GrayPlans {
    private GrayPlans() {
    }

    /** The lead: the first replaced service asking for a canary or blue-green release; null when none. */
    public static ServiceChange lead(List<ServiceChange> changes) {
        for (ServiceChange c : changes) {
            if (c.fromRevision() != null && c.toRevision() != null && c.spec() != null
                    && !(c.spec().release() instanceof ReleaseSpec.Rolling)) {
                return c;
            }
        }
        return null;
    }

    /**
     * The state every canary and blue-green pass starts from: {@code lead}, {@code services}, {@code original},
     * {@code index} and {@code weight} 0, and {@code warnings} for the deploy answer (a changed service with a
     * different gray spec of its own follows the lead).
     */
    public static ObjectNode initialState(List<ServiceChange> changes, List<ReplicaSet> current) {
        ServiceChange lead = lead(changes);
        if (lead == null) {
            throw new IllegalArgumentException("no replaced service asks for a canary or blue-green release");
        }
        ObjectNode state = Json.MAPPER.createObjectNode();
        state.put("lead", lead.service());
        ArrayNode warnings = state.putArray("warnings");
        List<GrayService> services = new ArrayList<>();
        for (ServiceChange c : changes) {
            services.add(GrayService.of(c));
            if (c.spec() == null || c == lead) {
                continue;
            }
            ReleaseSpec own = c.spec().release();
            if (!(own instanceof ReleaseSpec.Rolling) && !own.equals(lead.spec().release())) {
                warnings.add("services." + c.service() + ".x-slipway.release: this revision also changes "
                        + lead.service() + ", whose " + lead.spec().release().strategy() + " release leads; "
                        + c.service() + " follows its steps so that the app is released and rolled back as one");
            }
        }
        state.set("services", Json.MAPPER.valueToTree(services));
        state.set("original", Json.MAPPER.valueToTree(current));
        state.put("index", 0);
        state.put("weight", 0);
        return state;
    }
}
