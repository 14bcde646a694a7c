package io.jenkins.plugins.slipway.runner.release;

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
    public static ReleaseProgress initialState(List<ServiceChange> changes, List<ReplicaSet> current) {
        ServiceChange lead = lead(changes);
        if (lead == null) {
            throw new IllegalArgumentException("no replaced service asks for a canary or blue-green release");
        }
        ReleaseProgress progress = new ReleaseProgress();
        progress.lead = lead.service();
        progress.warnings = new ArrayList<>();
        List<GrayService> services = new ArrayList<>();
        for (ServiceChange c : changes) {
            services.add(GrayService.of(c));
            if (c.spec() == null || c == lead) {
                continue;
            }
            ReleaseSpec own = c.spec().release();
            if (!(own instanceof ReleaseSpec.Rolling) && !own.equals(lead.spec().release())) {
                progress.warnings.add("services." + c.service() + ".x-slipway.release: this revision also changes "
                        + lead.service() + ", whose " + lead.spec().release().strategy() + " release leads; "
                        + c.service() + " follows its steps so that the app is released and rolled back as one");
            }
        }
        progress.services = services;
        progress.original = List.copyOf(current);
        progress.index = 0;
        progress.weight = 0;
        return progress;
    }
}
