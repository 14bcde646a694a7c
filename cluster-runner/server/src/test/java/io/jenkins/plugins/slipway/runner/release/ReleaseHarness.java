package io.jenkins.plugins.slipway.runner.release;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedStates;
import io.jenkins.plugins.slipway.runner.release.bluegreen.BlueGreenStrategy;
import io.jenkins.plugins.slipway.runner.release.canary.CanaryStrategy;
import io.jenkins.plugins.slipway.runner.routing.Router;
import io.jenkins.plugins.slipway.runner.routing.Routers;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Drives canary and blue-green passes in the JVM: an embedded store for the events, a "reconciler" that makes
 * every desired replica exist at once (healthy unless told otherwise) and removes the others at once, and a
 * clock the test moves. What a pass would save is kept, so a test can restart the runner (new strategy
 * instances, in-memory state lost) between two passes.
 */
final class ReleaseHarness implements AutoCloseable {
    static final String APP = "shop";

    private final Database db;
    private final EventLog events;
    private final Router router = Routers.netty();
    private final RouteSync routes;
    private final ObservedState observed = new ObservedState();
    private final Set<String> unhealthy = new HashSet<>();
    private final RevisionRecord from;
    private final RevisionRecord to;
    private final AppSpec toSpec;
    private AnalysisRuns runs;
    final ReleaseCommands commands = new ReleaseCommands();
    private Strategy strategy;
    ReleaseRecord release;
    List<ReplicaSet> sets;
    Integer served;
    String abort;
    long now = 1_000_000;
    /** Why a route (by name) does not listen, as the router sync would say; by default every route listens. */
    Function<String, RouteSync.RouteFailure> routeFailures = route -> null;
    /** Where each replica is published on 127.0.0.1; by default ports nothing listens on. */
    HostPorts hostPorts = (service, revision, index) -> 30000 + revision * 100 + index;

    @FunctionalInterface
    interface HostPorts {
        int of(String service, int revision, int index);
    }

    /** Revision 1 of {@code before} serving with {@code replicas} per service; a release to {@code after}. */
    ReleaseHarness(Path dir, String before, String after) throws Exception {
        db = Database.open(dir);
        ReleaseRepository releases = new ReleaseRepository();
        events = new EventLog(db, releases);
        routes = new RouteSync(router, new SpecCache(db, new AppRepository()), "127.0.0.1");
        ComposeParser parser = new ComposeParser(Set.of("rolling", "canary", "blueGreen"));
        AppSpec fromSpec = parser.parse(before, Map.of()).spec();
        toSpec = parser.parse(after, Map.of()).spec();
        Map<String, Integer> one = new LinkedHashMap<>();
        Map<String, Integer> two = new LinkedHashMap<>();
        sets = new ArrayList<>();
        List<ServiceChange> changes = new ArrayList<>();
        for (Map.Entry<String, ServiceSpec> e : fromSpec.services().entrySet()) {
            one.put(e.getKey(), 1);
            two.put(e.getKey(), 2);
            sets.add(new ReplicaSet(APP, e.getKey(), 1, e.getValue().replicas(), 100));
            changes.add(new ServiceChange(e.getKey(), 1, e.getValue().replicas(), 2, toSpec.services().get(e.getKey())));
        }
        from = new RevisionRecord(APP, 1, before, Map.of(), "h1", one, null);
        to = new RevisionRecord(APP, 2, after, Map.of(), "h2", two, null);
        String strategy = GrayPlans.lead(changes).spec().release().strategy();
        release = new ReleaseRecord("shop-2-test", APP, 1, 2, strategy, Phase.Pending, 0, 0, 0, "pending", null);
        restart();
        Strategy.Start start = this.strategy.begin(changes, sets);
        release = new ReleaseRecord("shop-2-test", APP, 1, 2, strategy, Phase.Pending, 0, start.stepCount(), 0,
                "pending", start.progress().write());
    }

    /** As after a {@code kill -9}: new strategy and analyses, only the saved release and sets remain. */
    void restart() {
        if (runs != null) {
            runs.close();
        }
        runs = new AnalysisRuns(router, events);
        strategy = release.strategy().equals(CanaryStrategy.NAME)
                ? new CanaryStrategy(runs, routes) : new BlueGreenStrategy(runs, routes);
    }

    void unhealthy(String service, int revision) {
        unhealthy.add(service + "@" + revision);
    }

    /** One pass, as the controller runs it: observe, reconcile, save. */
    void pass() {
        observe();
        ReleaseProgress progress = ReleaseProgress.read(release.state());
        // As the controller does: an abort, else the command asked through the API, is carried out by this pass.
        ReleaseCommands.Request command = abort != null
                ? new ReleaseCommands.Request(io.jenkins.plugins.slipway.runner.release.plan.Command.Abort, abort)
                : commands.take(release.id());
        ReleaseContext ctx = new ReleaseContext(release, from, to, toSpec, sets, progress, observed, events, command, now,
                routeFailures);
        ctx.resizes(commands.takeResizes(release.id()));
        abort = null;
        strategy.reconcile(ctx);
        // As the controller does: the pass's events are recorded with its status.
        events.appendAll(release.id(), APP, ctx.pendingEvents());
        release = release.with(ctx.phase(), ctx.step(), ctx.canaryWeight(), ctx.message(), progress.write());
        sets = ctx.sets();
        if (ctx.serveRevisionChange() != null) {
            served = ctx.serveRevisionChange();
        }
    }

    /** Passes, {@code ms} apart on the clock, until the release is in {@code phase} (at most 50). */
    void passUntil(Phase phase, long ms) {
        for (int i = 0; i < 50; i++) {
            pass();
            if (release.phase() == phase) {
                return;
            }
            now += ms;
        }
        throw new AssertionError("never " + phase + ": " + release);
    }

    private void observe() {
        List<ObservedReplica> replicas = new ArrayList<>();
        List<Replica> containers = new ArrayList<>();
        for (ReplicaSet s : sets) {
            for (int i = 1; i <= s.replicas(); i++) {
                int hostPort = hostPorts.of(s.service(), s.revision(), i);
                Map<String, String> labels = Map.of(Labels.APP, APP, Labels.SERVICE, s.service(),
                        Labels.REVISION, String.valueOf(s.revision()), Labels.REPLICA, String.valueOf(i));
                Replica r = new Replica("c-" + s.service() + "-" + s.revision() + "-" + i,
                        Labels.containerName(APP, s.service(), s.revision(), i), labels, Replica.State.RUNNING, 0,
                        Replica.Health.NONE, "local", Map.of(8080, new Endpoint("127.0.0.1", hostPort)));
                containers.add(r);
                boolean ok = !unhealthy.contains(s.service() + "@" + s.revision());
                replicas.add(new ObservedReplica(r, ok, ok ? "test healthy" : "test unhealthy", r.endpoint(8080)));
            }
        }
        ObservedStates.put(observed, APP, replicas, containers);
    }

    Map<Integer, Integer> weights(String service) {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        sets.stream().filter(s -> s.service().equals(service)).forEach(s -> out.put(s.revision(), s.weight()));
        return out;
    }

    Map<Integer, Integer> replicas(String service) {
        Map<Integer, Integer> out = new LinkedHashMap<>();
        sets.stream().filter(s -> s.service().equals(service)).forEach(s -> out.put(s.revision(), s.replicas()));
        return out;
    }

    List<ReleaseEvent> events() {
        return events.since(release.id(), APP, 0);
    }

    List<String> lines() {
        return events().stream().map(e -> e.type() + " " + e.message()).toList();
    }

    ObjectNode state() {
        return (ObjectNode) Json.MAPPER.valueToTree(Json.read(release.state(), Map.class));
    }

    @Override
    public void close() {
        runs.close();
        router.close();
        db.close();
    }
}
