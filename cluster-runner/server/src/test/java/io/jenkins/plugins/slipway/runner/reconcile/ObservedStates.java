package io.jenkins.plugins.slipway.runner.reconcile;

import io.jenkins.plugins.slipway.runner.engine.Replica;
import java.util.List;

/** Lets strategy tests say what "the reconciler saw" without an engine. */
public final class ObservedStates {
    private ObservedStates() {
    }

    public static void put(ObservedState observed, String app, List<ObservedReplica> replicas, List<Replica> containers) {
        observed.put(app, replicas, containers);
    }
}
