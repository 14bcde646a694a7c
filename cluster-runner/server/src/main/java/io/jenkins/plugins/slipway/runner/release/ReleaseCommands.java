package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.plan.Phases;
import io.jenkins.plugins.slipway.runner.release.plan.ReleaseState;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Commands asked through the API (promote, abort, pause, resume), for every strategy, waiting for the pass that
 * carries them out (started at once). The API checks them against the stored release first ({@code 409} when
 * they do not apply); the pass checks again against the status it works on, since the release may have moved
 * on in between.
 * <p>
 * The autoscaler's resizes of a canary in progress wait here too: only the release pass writes a release's replica
 * sets (it saves them once per pass, so a write from outside would be overwritten), so the autoscaler asks and the
 * pass carries it out.
 */
public final class ReleaseCommands {
    private final Map<String, Request> pending = new ConcurrentHashMap<>();
    /** By release, then service: the total replicas the autoscaler asks for. */
    private final Map<String, Map<String, Integer>> resizes = new ConcurrentHashMap<>();

    /**
     * A command and, for an abort, why.
     *
     * @param reason  the abort's reason as a person gave it; null for the other commands
     * @param askedAt when it was asked ({@link System#nanoTime()}), to log how long it took to be in force
     */
    public record Request(Command command, String reason, long askedAt) {
        public Request(Command command, String reason) {
            this(command, reason, System.nanoTime());
        }
    }

    /**
     * What {@code command} does to release {@code r} as stored ({@link Phases#decide}): the one decision for every
     * strategy, made by the API before queueing and by nothing else.
     */
    public static Transition decide(ReleaseRecord r, Strategy strategy, Command command) {
        ReleaseProgress progress = ReleaseProgress.read(r.state());
        PauseReason reason = null;
        if (r.phase() == Phase.Paused) {
            reason = progress.pauseReason != null ? progress.pauseReason : strategy.pauseReasonOf(progress);
        }
        return Phases.decide(new ReleaseState(r.strategy(), r.phase(), reason, progress.rollback != null), command);
    }

    /** Queues {@code command}; a later one replaces one not yet taken, except that an abort is never replaced. */
    public void request(String releaseId, Command command, String reason) {
        pending.merge(releaseId, new Request(command, reason),
                (queued, next) -> queued.command() == Command.Abort ? queued : next);
    }

    /** Queues {@code command}, which needs no reason. */
    public void request(String releaseId, Command command) {
        request(releaseId, command, null);
    }

    /** The command waiting for the release, removed; null when none. */
    public Request take(String releaseId) {
        return pending.remove(releaseId);
    }

    /** Queues a resize of {@code service} to {@code replicas} in all; a later one for the service replaces it. */
    public void resize(String releaseId, String service, int replicas) {
        resizes.computeIfAbsent(releaseId, k -> new ConcurrentHashMap<>()).put(service, replicas);
    }

    /** The resizes waiting for the release, by service, removed; empty when none. */
    public Map<String, Integer> takeResizes(String releaseId) {
        Map<String, Integer> taken = resizes.remove(releaseId);
        return taken == null ? Map.of() : Map.copyOf(taken);
    }
}
