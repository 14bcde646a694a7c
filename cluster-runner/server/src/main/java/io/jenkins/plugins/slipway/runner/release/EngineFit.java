package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.Autoscale;
import io.jenkins.plugins.slipway.runner.compose.OneShot;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Engine;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.FileSizes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the engine in use makes of a Compose file that parsed, asked before anything of a deploy is stored: what it
 * cannot run as written (the deploy is a 400 naming each key and service, rather than a 202 whose release fails
 * later) and what it reads but does not apply (warnings in the answer).
 */
public final class EngineFit {
    /** Runs everything and warns of nothing: for a deployer built without an engine (tests). */
    public static final EngineFit ANY = new EngineFit(null);

    private final Engine engine;
    /** Why the engine cannot run one-shot services (release hooks); null when it can. */
    private final String noTasks;
    /** Why the engine cannot report replicas' CPU and memory use (cpuPercent, memoryPercent); null when it can. */
    private final String noStats;

    private EngineFit(Engine engine) {
        this.engine = engine;
        this.noTasks = engine == null ? null : noTasks(engine);
        this.noStats = engine == null ? null : noStats(engine);
    }

    /** What {@code engine} says; it is asked whether it runs tasks and reports stats once, here. */
    public static EngineFit of(Engine engine) {
        return new EngineFit(engine);
    }

    /**
     * What in {@code spec} the engine cannot run, each with its field path: the engine's own
     * {@link Engine#refusals}, one-shot services on an engine without tasks, and autoscaling on CPU or memory on an
     * engine without stats.
     */
    public List<ApiError.Problem> refusals(AppSpec spec) {
        return refusals(spec, FileSizes.UNKNOWN);
    }

    /**
     * As {@link #refusals(AppSpec)}, with the sizes of the secret and config values the deploy brings; also
     * {@code x-slipway.kubernetes} on an engine that writes no Kubernetes object.
     */
    public List<ApiError.Problem> refusals(AppSpec spec, FileSizes sizes) {
        if (engine == null) {
            return List.of();
        }
        List<ApiError.Problem> out = new ArrayList<>(engine.refusals(spec, sizes));
        if (!engine.capabilities().kubernetesTraffic()) {
            spec.services().values().stream().filter(s -> s.kubernetes() != null).forEach(s -> out.add(
                    new ApiError.Problem("services." + s.name() + ".x-slipway.kubernetes", "is refused on the "
                            + engine.name() + " engine: it says how a Kubernetes cluster carries the service's"
                            + " traffic (trafficRouter " + s.kubernetes().trafficRouter() + "), and the "
                            + engine.name() + " engine writes no Kubernetes object; remove the key, or serve with"
                            + " --engine kubernetes")));
        }
        engine.oneReplicaOnly(spec).forEach((service, why) -> {
            int replicas = spec.services().get(service).replicas();
            if (replicas > 1) {
                out.add(new ApiError.Problem("services." + service + ".deploy.replicas", replicas + " replicas"
                        + " refused on the " + engine.name() + " engine: " + why + "; run 1 replica"));
            }
        });
        if (noTasks != null) {
            spec.services().values().stream().filter(s -> s.oneShot() != null).forEach(s -> out.add(
                    new ApiError.Problem("services." + s.name()
                            + (s.oneShot().when() == OneShot.When.BEFORE_DEPENDANTS ? "" : ".x-slipway.task"),
                            s.name() + " runs once per release as a task (" + s.oneShot().when().composeName()
                                    + "), but " + noTasks)));
        }
        if (noStats != null) {
            spec.services().values().stream().filter(s -> s.autoscale() != null).forEach(s -> s.autoscale().targets()
                    .keySet().stream().filter(Autoscale.Target::fromEngineStats).forEach(t -> out.add(
                            new ApiError.Problem("services." + s.name() + ".x-slipway.autoscale." + t.key(),
                                    t.key() + " of service " + s.name() + " refused on the " + engine.name()
                                            + " engine: " + noStats.replaceFirst("^the \\S+ engine ", "it ")
                                            + "; use requestsPerSecond or inFlight"))));
        }
        return out;
    }

    /**
     * The rules the engine adds to services of {@code spec} deployed as {@code app}, by service, for the plan and
     * the release's first event: a service held to one replica, and why; a service pinned to a node, and why.
     */
    public Map<String, String> rules(String app, AppSpec spec) {
        if (engine == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        engine.oneReplicaOnly(spec).forEach((service, why) -> out.put(service, service + ": one replica on the "
                + engine.name() + " engine, because " + why));
        engine.pins(app, spec).forEach((service, pin) -> out.merge(service, pin, (a, b) -> a + "; " + b));
        return out;
    }

    /** Where the engine pins services of {@code app}, as deploy warnings: "services.web.volumes: web: pinned to ...". */
    public List<String> pinWarnings(String app, AppSpec spec) {
        if (engine == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        engine.pins(app, spec).forEach((service, pin) -> out.add("services." + service + ".volumes: " + pin));
        return out;
    }

    /**
     * What the engine reads but does not apply, as "path: reason": placement on an engine of one node, and what
     * the engine says it leaves out ({@link Engine#notApplied}).
     */
    public List<String> warnings(AppSpec spec) {
        if (engine == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>(engine.notApplied(spec));
        if (engine.capabilities().placement()) {
            return out;
        }
        for (ServiceSpec s : spec.services().values()) {
            if (s.placement().choosesNodes()) {
                out.add("services." + s.name() + ".deploy.placement: ignored: the " + engine.name()
                        + " engine has one node, where every replica runs (--engine swarm or kubernetes place"
                        + " replicas on nodes)");
            }
        }
        return out;
    }

    private static String noStats(Engine engine) {
        try {
            engine.stats();
            return null;
        } catch (EngineException e) {
            return e.getMessage();
        }
    }

    private static String noTasks(Engine engine) {
        try {
            engine.tasks();
            return null;
        } catch (EngineException e) {
            return e.getMessage();
        }
    }
}
