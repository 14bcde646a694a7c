package io.jenkins.plugins.slipway.runner.engine;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An engine that runs nothing, for tests of what the runner asks an engine before anything runs (its name,
 * capabilities, refusals, whether it runs tasks). Replica-running tests use the real engines.
 */
public final class FakeEngine implements Engine {
    private final String name;
    private final Capabilities capabilities;
    private final Function<AppSpec, List<ApiError.Problem>> refusals;
    private final String noTasks;
    private Function<AppSpec, Map<String, String>> oneReplicaOnly = spec -> Map.of();
    /** Null: it reports no stats, as {@link Engine#stats()} says by default. */
    private ReplicaStats stats;
    private java.util.function.BiFunction<String, AppSpec, Map<String, String>> pins = (app, spec) -> Map.of();

    /**
     * @param noTasks why it runs no tasks; null when it runs them
     */
    public FakeEngine(String name, Capabilities capabilities, Function<AppSpec, List<ApiError.Problem>> refusals,
                      String noTasks) {
        this.name = name;
        this.capabilities = capabilities;
        this.refusals = refusals;
        this.noTasks = noTasks;
    }

    /** The same engine, pinning to one replica what {@code pins} says. */
    public FakeEngine withOneReplicaOnly(Function<AppSpec, Map<String, String>> pins) {
        this.oneReplicaOnly = pins;
        return this;
    }

    /** The same engine, reporting replicas' use through {@code stats}. */
    public FakeEngine withStats(ReplicaStats stats) {
        this.stats = stats;
        return this;
    }

    /** The same engine, pinning services to nodes as {@code pins} says (by app and spec). */
    public FakeEngine withPins(java.util.function.BiFunction<String, AppSpec, Map<String, String>> pins) {
        this.pins = pins;
        return this;
    }

    @Override
    public ReplicaStats stats() {
        return stats == null ? Engine.super.stats() : stats;
    }

    @Override
    public Map<String, String> pins(String app, AppSpec spec) {
        return pins.apply(app, spec);
    }

    @Override
    public Map<String, String> oneReplicaOnly(AppSpec spec) {
        return oneReplicaOnly.apply(spec);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public List<ApiError.Problem> refusals(AppSpec spec) {
        return refusals.apply(spec);
    }

    @Override
    public TaskEngine tasks() {
        if (noTasks != null) {
            throw new EngineException(noTasks, null);
        }
        return null;
    }

    @Override
    public Observation converge(Map<String, List<ReplicaSetSpec>> desired, Retirement retire) {
        return new Observation(Map.of(), Map.of());
    }

    @Override
    public void prepare(String app, AppResources resources) {
    }

    @Override
    public VolumeRemoval removeApp(String app, boolean volumes, Duration wait) {
        return VolumeRemoval.none();
    }

    @Override
    public List<String> volumes(String app) {
        return List.of();
    }

    @Override
    public String startFailure(String app, String service, int revision, int index) {
        return null;
    }

    @Override
    public AutoCloseable onChange(Runnable listener) {
        return () -> { };
    }

    @Override
    public void close() {
    }
}
