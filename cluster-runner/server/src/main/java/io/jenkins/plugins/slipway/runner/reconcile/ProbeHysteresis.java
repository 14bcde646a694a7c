package io.jenkins.plugins.slipway.runner.reconcile;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns single probe results into a readiness verdict that changes only on evidence: a replica becomes ready at its
 * first successful probe and stops being ready after {@link #FAILURES_TO_UNREADY} failed probes in a row, so a
 * probe that times out once because the machine is busy takes nothing out of a route. Kept per replica (container
 * id); thread-safe.
 */
final class ProbeHysteresis {
    /** Failed probes in a row that make a ready replica unready. */
    static final int FAILURES_TO_UNREADY = 3;

    private final Map<String, Streak> byReplica = new ConcurrentHashMap<>();

    /**
     * What the probes of one replica say so far.
     *
     * @param ready        the verdict: ready for traffic
     * @param servedBefore the replica was ready at least once since it started: once unready it is still worth
     *                     keeping in the route (marked unhealthy) for the router's panic mode
     * @param failures     failed probes in a row, the last one included
     */
    record Result(boolean ready, boolean servedBefore, int failures) {
    }

    private static final class Streak {
        boolean ready;
        boolean servedBefore;
        int failures;
    }

    /** Counts one probe result of {@code replicaId} and gives the verdict. */
    Result observe(String replicaId, boolean probeSucceeded) {
        Streak s = byReplica.computeIfAbsent(replicaId, k -> new Streak());
        synchronized (s) {
            if (probeSucceeded) {
                s.failures = 0;
                s.ready = true;
                s.servedBefore = true;
            } else {
                s.failures++;
                if (s.failures >= FAILURES_TO_UNREADY) {
                    s.ready = false;
                }
            }
            return new Result(s.ready, s.servedBefore, s.failures);
        }
    }

    /**
     * Records a verdict reached elsewhere (the engine's health check, which has retries of its own) as it is, so
     * that {@link Result#servedBefore()} is known for every replica.
     */
    Result record(String replicaId, boolean ready) {
        Streak s = byReplica.computeIfAbsent(replicaId, k -> new Streak());
        synchronized (s) {
            s.failures = ready ? 0 : s.failures + 1;
            s.ready = ready;
            s.servedBefore |= ready;
            return new Result(s.ready, s.servedBefore, s.failures);
        }
    }

    /** Forgets the replicas not in {@code replicaIds} (removed containers). */
    void retainOnly(Set<String> replicaIds) {
        byReplica.keySet().retainAll(replicaIds);
    }
}
