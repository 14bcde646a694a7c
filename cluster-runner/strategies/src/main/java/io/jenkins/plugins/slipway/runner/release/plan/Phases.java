package io.jenkins.plugins.slipway.runner.release.plan;

import io.jenkins.plugins.slipway.runner.analysis.Verdict;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;

/**
 * Phase decisions, pure: which commands apply in which state (the others are 409 with a reason that says what
 * would work instead), what an analysis verdict leads to, and how a rollback ends.
 */
public final class Phases {
    private Phases() {
    }

    /** What {@code command} does to a release in {@code state}. */
    public static Transition decide(ReleaseState state, Command command) {
        Phase phase = state.phase();
        if (phase.isTerminal()) {
            return new Transition.NotApplicable("the release has already ended (" + phase + "); nothing to "
                    + command.verb() + ". Deploy again or roll the app back instead");
        }
        if (state.rollingBack()) {
            return new Transition.NotApplicable("the release is rolling back; nothing to " + command.verb()
                    + " until it has ended");
        }
        if (command == Command.Abort) {
            return new Transition.Allowed(Effect.RollBack, Phase.Aborted, null,
                    "aborting: traffic goes back to the stable revision, then the new replicas are removed");
        }
        if (!ReleaseSpec.hasSteps(state.strategy()) && command != Command.Resume) {
            return new Transition.NotApplicable("a " + state.strategy() + " release has no steps to "
                    + command.verb() + "; abort it or let it finish");
        }
        if (phase == Phase.Pending) {
            return new Transition.NotApplicable("the release has not started yet; nothing to " + command.verb());
        }
        boolean paused = phase == Phase.Paused;
        PauseReason reason = state.pauseReason();
        return switch (command) {
            case Promote -> new Transition.Allowed(Effect.SkipStep, Phase.Progressing, null,
                    paused && reason == PauseReason.Inconclusive
                            ? "promoted past the inconclusive analysis: going on to the next step"
                            : "promoted: going on to the next step");
            case PromoteFull -> new Transition.Allowed(Effect.SkipAllSteps, Phase.Progressing, null,
                    "promoted fully: the new revision gets 100% of the traffic");
            case Pause -> paused
                    ? new Transition.NotApplicable("the release is already paused (" + describe(reason) + ")")
                    : new Transition.Allowed(Effect.Hold, Phase.Paused, PauseReason.User,
                            "paused by hand; resume, promote or abort it");
            case Resume -> !paused
                    ? new Transition.NotApplicable("the release is not paused; nothing to resume")
                    : switch (reason) {
                        case User -> new Transition.Allowed(Effect.Continue, Phase.Progressing, null, "resumed");
                        case Inconclusive -> new Transition.Allowed(Effect.RetryAnalysis, Phase.Progressing, null,
                                "resumed: the inconclusive analysis runs again");
                        case Step -> new Transition.NotApplicable("the release waits at a pause step; promote it to "
                                + "go on (or promote fully to finish, or abort)");
                        case Unhealthy -> new Transition.Allowed(Effect.Continue, Phase.Progressing, null,
                                "resumed: waiting again for the new replicas to be healthy");
                    };
            case Abort -> throw new AssertionError("handled above");
        };
    }

    /** What an analysis verdict leads to while the release is Progressing. */
    public static Transition afterAnalysis(Verdict verdict, String message) {
        return switch (verdict) {
            case Successful -> new Transition.Allowed(Effect.Continue, Phase.Progressing, null, message);
            case Inconclusive -> new Transition.Allowed(Effect.Hold, Phase.Paused, PauseReason.Inconclusive,
                    message + "; the release pauses: send traffic and resume to measure again, promote to accept, or "
                    + "abort");
            case Error, Failed -> new Transition.Allowed(Effect.RollBack, Phase.RolledBack, null,
                    message + "; rolling back");
        };
    }

    /** Why a rollback happened: it names the terminal phase. */
    public enum RollbackCause {
        /** Abort by a person. */
        Aborted,
        /** An analysis failed. */
        AnalysisFailed,
        /** The new revision did not become healthy in time. */
        Unhealthy
    }

    /**
     * The terminal phase once a rollback has ended: Aborted or RolledBack, or Failed when the rollback itself could
     * not bring the stable revision back (the app needs a person).
     */
    public static Phase afterRollback(RollbackCause cause, boolean stableRestored) {
        if (!stableRestored) {
            return Phase.Failed;
        }
        return cause == RollbackCause.Aborted ? Phase.Aborted : Phase.RolledBack;
    }

    private static String describe(PauseReason reason) {
        return switch (reason) {
            case Step -> "at a pause step";
            case User -> "by hand";
            case Inconclusive -> "after an inconclusive analysis";
            case Unhealthy -> "new replicas not healthy in time";
        };
    }
}
