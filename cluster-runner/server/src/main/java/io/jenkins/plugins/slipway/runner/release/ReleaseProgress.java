package io.jenkins.plugins.slipway.runner.release;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.release.hooks.HookProgress;
import io.jenkins.plugins.slipway.runner.release.plan.AnalysisState;
import io.jenkins.plugins.slipway.runner.release.plan.PauseReason;
import io.jenkins.plugins.slipway.runner.release.plan.Promotion;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a release stands beyond its public status (phase, step, weight, message, in {@code ReleaseRecord}): one
 * typed record, as Argo Rollouts' {@code RolloutStatus}, read at the start of a pass, changed by the strategy,
 * and saved once at its end with the pass's events. It is everything a restarted runner needs to resume the
 * release at the same step and weight; what lives in memory (analysis runs, routing a release adds) is rebuilt
 * from it.
 * <p>
 * Stored as the JSON of the release's {@code state} column; the field names are the keys that column has always
 * had, so the rows of releases saved by earlier runner versions read as they are. A field is null when it does
 * not apply (to the strategy, or yet).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class ReleaseProgress {

    // What every strategy keeps.

    /** The app's replica sets before the release: what a rollback restores. */
    public List<ReplicaSet> original;
    /** The current step, 0-based (a rolling batch, a canary step). */
    public Integer index;
    /** Why the release is Paused; null when it is not. */
    public PauseReason pauseReason;
    /** When the current pause began (epoch ms), for a timed pause. */
    public Long pauseStartedAt;
    /** Replicas already announced (started, healthy), so that each event is sent once. */
    public List<String> reported;
    /** Replicas let go of, announced as drained and stopped once the engine no longer has them. */
    public List<String> stopping;
    /** Notes for the deploy answer (a changed service that follows the lead's strategy). */
    public List<String> warnings;
    /** The rollback in progress; null while the release goes forward. */
    public Rollback rollback;
    /** Where the release's one-shot services (hooks) stand; null for an app without. */
    public HookProgress hooks;

    // Rolling.

    /** The batches, planned when the release began. */
    public List<RollingStep> plan;
    /** Where in the current batch: stop-first, start, stop, delay. */
    public String stage;
    /** When the current stage began (epoch ms). */
    public Long since;

    // Canary and blue-green.

    /** The service whose release spec leads; the others follow its steps. */
    public String lead;
    /** The services the revision changes, adds or removes. */
    public List<GrayService> services;
    /** The new revision's weight in percent as the last step set it. */
    public Integer weight;
    /** A {@code setCanaryScale} in force: replicas of the new revision decoupled from its weight. */
    public CanaryStep.SetCanaryScale scale;
    /** Where each analysis slot ({@code Step}, {@code Background}) stands. */
    public Map<String, Analysis> analysis;
    /** When the new revision began scaling to the current target (epoch ms), for the monitor window. */
    public Long scalingSince;
    /** The last step announced with {@code StepStarted}. */
    public Integer announced;
    /** Canary: when the final promotion began stopping the stable replicas (epoch ms). */
    public Long finishing;

    // Blue-green.

    /** The preview route serves the new revision. */
    public Boolean previewRouted;
    /** How far a person promoted the release. */
    public Promotion promotion;
    /** When the route switched to the new revision (epoch ms). */
    public Long switchedAt;
    /** When the old revision began stopping (epoch ms). */
    public Long scaleDownAt;
    /** The old revision is stopped. */
    public Boolean oldScaledDown;

    /** A rollback in progress. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static final class Rollback {
        /** Why, as the events and the final message say it. */
        public String reason;
        /** A person aborted the release (it ends Aborted rather than RolledBack). */
        public boolean aborted;
        /** {@code restore} (traffic and stable replicas back) then {@code remove} (new replicas gone). */
        public String stage;
        /** When the current stage began (epoch ms). */
        public long since;
        /** Whether the stable replicas were all healthy again when the new sets were dropped. */
        public Boolean stableRestored;
        /** The new revision's replicas being stopped, announced once gone. */
        public List<String> stopping;
    }

    /**
     * Where an analysis slot stands, as saved.
     *
     * @param message the verdict's reason; null while running
     */
    public record Analysis(AnalysisState.Status status, String message) {
    }

    /** Reads a release's saved progress; an empty or absent one is a fresh record. */
    public static ReleaseProgress read(String json) {
        return json == null || json.isBlank() ? new ReleaseProgress() : Json.read(json, ReleaseProgress.class);
    }

    /** The JSON saved in the release's {@code state} column. */
    public String write() {
        return Json.write(this);
    }

    public List<String> reported() {
        if (reported == null) {
            reported = new ArrayList<>();
        }
        return reported;
    }

    public List<String> stopping() {
        if (stopping == null) {
            stopping = new ArrayList<>();
        }
        return stopping;
    }

    public Map<String, Analysis> analysis() {
        if (analysis == null) {
            analysis = new LinkedHashMap<>();
        }
        return analysis;
    }
}
