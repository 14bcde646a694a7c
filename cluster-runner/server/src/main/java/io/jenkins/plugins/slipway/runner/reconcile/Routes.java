package io.jenkins.plugins.slipway.runner.reconcile;

import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.List;

/**
 * What the reconciler needs of the traffic side ({@code traffic/RouteSync} implements it), so that traffic depends
 * on what the reconciler observed and not the other way round.
 */
public interface Routes {

    /** A stamp to take before a pass reads the desired state from the store, for {@link #sync}. */
    long readStamp();

    /**
     * Applies the routes of {@code app} to the replicas a pass saw, with their health.
     *
     * @param sets      the app's replica sets as the pass read them
     * @param readStamp the {@link #readStamp()} taken before that read: sets a release routed and saved after it
     *                  are newer than {@code sets} and stay in force
     */
    void sync(String app, List<ReplicaSet> sets, long readStamp, List<ObservedReplica> observed);

    /** Removes every route of a deleted app. */
    void removeApp(String app);

    /** Requests in flight to a replica through the route of its service; 0 when it is in no route. */
    int inFlight(String app, String service, String replicaId);
}
