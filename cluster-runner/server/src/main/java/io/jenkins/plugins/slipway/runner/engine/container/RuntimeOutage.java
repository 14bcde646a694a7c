package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.engine.Replica;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a runtime that stopped answering (its daemon died) from one that answers again, and which replicas its
 * restart stopped: those that ran at the last list before it stopped answering and have exited at the first list
 * after. A daemon restarted without live restore stops every container it finds; they did not fail, so they are
 * started again whatever their restart policy says and without using up an attempt. A daemon restarted between
 * two lists (under a second) goes unnoticed: its replicas are then replaced as their restart policy says.
 */
final class RuntimeOutage {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeOutage.class);

    /** Ids of the replicas running at the latest list. */
    private volatile Set<String> running = Set.of();
    /** Ids running when the runtime stopped answering, while it does not answer; null while it answers. */
    private volatile Set<String> runningAtLoss;
    private volatile long lostAtNanos;
    /** Ids of replicas the runtime's restart stopped that have not been started again yet. */
    private final Set<String> stopped = ConcurrentHashMap.newKeySet();

    /** The runtime did not answer a list. */
    void lost(String runtime, RuntimeException why) {
        if (runningAtLoss == null) {
            runningAtLoss = running;
            lostAtNanos = System.nanoTime();
            LOG.warn("The {} engine does not answer ({}): replicas and routes stay as last seen; retrying every pass",
                    runtime, why.getMessage());
        }
    }

    /** The runtime answered a list. */
    void answered(String runtime, List<Replica> listed) {
        Set<String> before = runningAtLoss;
        if (before != null) {
            runningAtLoss = null;
            Set<String> casualties = listed.stream()
                    .filter(r -> r.state() == Replica.State.EXITED && before.contains(r.id()))
                    .map(Replica::id).collect(Collectors.toSet());
            stopped.addAll(casualties);
            LOG.info("The {} engine answers again after {} s; {} of the {} replicas that ran before were stopped by its"
                    + " restart", runtime, (System.nanoTime() - lostAtNanos) / 1_000_000_000L, casualties.size(),
                    before.size());
        }
        Set<String> ids = listed.stream().map(Replica::id).collect(Collectors.toSet());
        stopped.retainAll(ids);
        running = listed.stream().filter(r -> r.state() == Replica.State.RUNNING).map(Replica::id)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Whether the runtime's restart stopped this container (it is then forgotten: asked once per start). */
    boolean stopped(String id) {
        return stopped.remove(id);
    }
}
