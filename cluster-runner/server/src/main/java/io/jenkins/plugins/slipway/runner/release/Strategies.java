package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.release.rolling.RollingStrategy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The release strategies this runner can run, by the name used in {@code x-slipway.release.strategy}.
 * Canary and blue-green register here beside rolling; nothing else in the release logic names a strategy.
 */
public final class Strategies {
    private final Map<String, Strategy> byName = new LinkedHashMap<>();

    /** The strategies built into this runner version. */
    public static Strategies defaults() {
        Strategies s = new Strategies();
        s.register(new RollingStrategy());
        return s;
    }

    public void register(Strategy strategy) {
        byName.put(strategy.name(), strategy);
    }

    public Strategy get(String name) {
        Strategy s = byName.get(name);
        if (s == null) {
            throw new IllegalStateException("no strategy " + name + "; available: " + byName.keySet());
        }
        return s;
    }

    public Set<String> names() {
        return Set.copyOf(byName.keySet());
    }

    /**
     * The strategy of a revision: the first replaced service that asks for one other than rolling decides for
     * the whole release, since one release moves the whole app ({@link GrayPlans}). A service the revision only
     * adds has no running revision to compare a canary with, so an app's first release is rolling.
     */
    public Strategy choose(List<ServiceChange> changes) {
        ServiceChange lead = GrayPlans.lead(changes);
        return get(lead == null ? RollingStrategy.NAME : lead.spec().release().strategy());
    }
}
