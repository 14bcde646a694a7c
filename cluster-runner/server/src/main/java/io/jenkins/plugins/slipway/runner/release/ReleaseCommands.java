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
 */
public final class ReleaseCommands {
    private final Map<String, Request> pending = new ConcurrentHashMap<>();

    /**
     * A command and, for an abort, why.
     *
     * @param reason the abort's reason as a person gave it; null for the other commands
     */
    public record Request(Command command, String reason) {
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
}
