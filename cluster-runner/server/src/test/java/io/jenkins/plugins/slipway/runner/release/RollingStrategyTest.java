package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.release.rolling.RollingStrategy;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.FailureAction;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec.UpdateConfig.Order;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.Endpoint;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rolling state machine pass by pass, without an engine: a stand-in for the reconciler makes the observed
 * state follow the desired sets (with the health the test chooses), as the real one would.
 */
class RollingStrategyTest {
    private static final String APP = "shop";

    @TempDir
    Path dir;
    private Database db;
    private EventLog events;
    private final ObservedState observed = new ObservedState();
    private final RollingStrategy strategy = new RollingStrategy();
    private ReleaseRecord release;
    private AppSpec toSpec;
    private List<ReplicaSet> sets;
    private long now;
    private Integer served;
    /** Whether replicas of revision 2 pass their health check. */
    private boolean newHealthy = true;
    /** When the runner process running the passes started (epoch ms); 0: before the release. */
    private long runnerStartedAt;
    private String abort;
    private boolean resume;
    /** Whether replicas of revision 1 scaled away stay on the engine (stopping, as a Swarm task takes seconds). */
    private boolean oldLinger;

    @BeforeEach
    void open() throws Exception {
        db = Database.open(dir);
        events = new EventLog(db, new ReleaseRepository());
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static ServiceSpec web(int replicas, Order order, FailureAction action) {
        return new ServiceSpec("web", "img", null, null, Map.of(), List.of(8080), null, Map.of(), replicas, 0, 0,
                ServiceSpec.RestartPolicy.DEFAULT, new ServiceSpec.UpdateConfig(1, Duration.ZERO, order, action,
                Duration.ofSeconds(30)), Duration.ofSeconds(1), new ServiceSpec.Route(8000, 8080), new ReleaseSpec.Rolling());
    }

    private void begin(ServiceSpec spec) {
        sets = List.of(new ReplicaSet(APP, "web", 1, 3, 100));
        Strategy.Start start = strategy.begin(List.of(new ServiceChange("web", 1, 3, 2, spec)), sets);
        release = new ReleaseRecord("shop-2-abcd", APP, 1, 2, "rolling", Phase.Pending, 0, start.stepCount(), 0,
                "pending", start.progress().write());
        toSpec = new AppSpec(Map.of("web", spec));
        observe();
    }

    /** One controller pass, then one reconciler pass. */
    private void pass() {
        ReleaseProgress progress = ReleaseProgress.read(release.state());
        RevisionRecord from = new RevisionRecord(APP, 1, "", Map.of(), "h1", Map.of("web", 1), null);
        RevisionRecord to = new RevisionRecord(APP, 2, "", Map.of(), "h2", Map.of("web", 2), null);
        ReleaseCommands.Request command = abort != null ? new ReleaseCommands.Request(Command.Abort, abort)
                : resume ? new ReleaseCommands.Request(Command.Resume, null) : null;
        ReleaseContext ctx = new ReleaseContext(release, from, to, toSpec, sets, progress, observed, events, command,
                now, service -> null);
        ctx.runnerStartedAt(runnerStartedAt);
        abort = null;
        resume = false;
        strategy.reconcile(ctx);
        // As the controller does: the pass's events are recorded with its status.
        events.appendAll(release.id(), APP, ctx.pendingEvents());
        release = release.with(ctx.phase(), ctx.step(), ctx.canaryWeight(), ctx.message(), progress.write());
        sets = ctx.sets();
        if (ctx.serveRevisionChange() != null) {
            served = ctx.serveRevisionChange();
        }
        observe();
        now += 100;
    }

    private void observe() {
        List<ObservedReplica> replicas = new ArrayList<>();
        List<Replica> containers = new ArrayList<>();
        for (ReplicaSet s : sets) {
            for (int i = 1; i <= s.replicas(); i++) {
                Replica r = new Replica("id-" + s.revision() + "-" + i, Labels.containerName(APP, s.service(), s.revision(), i),
                        Map.of(Labels.APP, APP, Labels.SERVICE, s.service(), Labels.REVISION, String.valueOf(s.revision()),
                                Labels.REPLICA, String.valueOf(i)), Replica.State.RUNNING, 0, Replica.Health.NONE,
                        "local", Map.of(8080, new Endpoint("127.0.0.1", 30000 + i)));
                boolean healthy = s.revision() == 1 || newHealthy;
                replicas.add(new ObservedReplica(r, healthy, healthy ? "http probe 200 on :8080 in 3 ms"
                        : "http probe on :8080 failed: ConnectException", r.endpoint(8080)));
                containers.add(r);
            }
            for (int i = s.replicas() + 1; oldLinger && s.revision() == 1 && i <= 3; i++) {
                containers.add(new Replica("id-1-" + i, Labels.containerName(APP, s.service(), 1, i), Map.of(Labels.APP,
                        APP, Labels.SERVICE, s.service(), Labels.REVISION, "1", Labels.REPLICA, String.valueOf(i)),
                        Replica.State.RUNNING, 0, Replica.Health.NONE, "local", Map.of()));
            }
        }
        observed.put(APP, replicas, containers);
    }

    private void runUntil(Phase... phases) {
        for (int i = 0; i < 1000 && !List.of(phases).contains(release.phase()); i++) {
            pass();
        }
        assertThat(release.phase()).isIn((Object[]) phases);
    }

    private List<String> log() {
        return events.since(release.id(), APP, 0).stream().map(e -> e.type() + " " + e.message()).toList();
    }

    @Test
    void startFirstReplacesOneByOneWithWeightsFollowingCounts() {
        begin(web(3, Order.START_FIRST, FailureAction.ROLLBACK));
        runUntil(Phase.Succeeded);
        assertThat(sets).containsExactly(new ReplicaSet(APP, "web", 2, 3, 100));
        assertThat(served).isEqualTo(2);
        assertThat(release.canaryWeight()).isEqualTo(100);
        assertThat(log()).filteredOn(l -> l.startsWith("StepStarted") || l.startsWith("TrafficShifted")
                || l.startsWith("ReleaseSucceeded")).containsExactly(
                "StepStarted step 1/3: start 1 replica of web at revision 2, then leave 2 of web at revision 1",
                "TrafficShifted traffic web: rev 1 67% / rev 2 33%",
                "StepStarted step 2/3: start 2 replicas of web at revision 2, then leave 1 of web at revision 1",
                "TrafficShifted traffic web: rev 1 33% / rev 2 67%",
                "StepStarted step 3/3: start 3 replicas of web at revision 2, then stop all of web at revision 1",
                "TrafficShifted traffic web: rev 1 0% / rev 2 100%",
                "ReleaseSucceeded release shop-2-abcd succeeded: shop at revision 2");
        assertThat(log()).contains("ReplicaHealthy replica web-2-3 healthy (http probe 200 on :8080 in 3 ms)",
                "ReplicaStopped replica web-1-1 drained and stopped");
    }

    @Test
    void theNextBatchStartsWhileTheReplacedReplicasStopAndTheReleaseEndsWhenTheyAreGone() {
        oldLinger = true;
        begin(web(3, Order.START_FIRST, FailureAction.ROLLBACK));
        for (int i = 0; i < 100 && !log().contains("TrafficShifted traffic web: rev 1 0% / rev 2 100%"); i++) {
            pass();
        }
        assertThat(log()).contains("StepStarted step 3/3: start 3 replicas of web at revision 2, then stop all of web at revision 1")
                .noneMatch(l -> l.startsWith("ReplicaStopped"));
        for (int i = 0; i < 20; i++) {
            pass();
        }
        assertThat(release.phase()).isEqualTo(Phase.Progressing);
        oldLinger = false;
        runUntil(Phase.Succeeded);
        List<String> log = log();
        assertThat(log).filteredOn(l -> l.startsWith("ReplicaStopped")).containsExactlyInAnyOrder(
                "ReplicaStopped replica web-1-1 drained and stopped", "ReplicaStopped replica web-1-2 drained and stopped",
                "ReplicaStopped replica web-1-3 drained and stopped");
        assertThat(log.indexOf("ReplicaStopped replica web-1-1 drained and stopped"))
                .isLessThan(log.indexOf("ReleaseSucceeded release shop-2-abcd succeeded: shop at revision 2"));
        assertThat(sets).containsExactly(new ReplicaSet(APP, "web", 2, 3, 100));
    }

    @Test
    void stopFirstShrinksTheOldRevisionBeforeStarting() {
        begin(web(3, Order.STOP_FIRST, FailureAction.ROLLBACK));
        runUntil(Phase.Succeeded);
        assertThat(log()).filteredOn(l -> l.startsWith("TrafficShifted")).startsWith(
                "TrafficShifted traffic web: rev 1 100% / rev 2 0%",
                "TrafficShifted traffic web: rev 1 67% / rev 2 33%");
        assertThat(sets).containsExactly(new ReplicaSet(APP, "web", 2, 3, 100));
    }

    @Test
    void neverHealthyRollsBackToTheSetsItStartedFrom() {
        newHealthy = false;
        begin(web(3, Order.START_FIRST, FailureAction.ROLLBACK));
        pass();
        pass();
        assertThat(sets).contains(new ReplicaSet(APP, "web", 2, 1, 0));
        now += Duration.ofSeconds(31).toMillis();
        runUntil(Phase.RolledBack);
        assertThat(sets).containsExactly(new ReplicaSet(APP, "web", 1, 3, 100));
        assertThat(served).isEqualTo(1);
        assertThat(release.message()).isEqualTo("rolled back to revision 1: replica web-2-1 (http probe on :8080 failed:"
                + " ConnectException) not healthy after 30.0 s");
        assertThat(log()).filteredOn(l -> l.startsWith("Rollback") || l.startsWith("Traffic")
                || l.startsWith("ReleaseRolledBack")).containsExactly(
                "RollbackStarted rolling back to revision 1: replica web-2-1 (http probe on :8080 failed: ConnectException)"
                        + " not healthy after 30.0 s",
                "TrafficShifted traffic web back to stable: rev 1 100% / rev 2 0%",
                "ReleaseRolledBack rolled back to revision 1: replica web-2-1 (http probe on :8080 failed: ConnectException)"
                        + " not healthy after 30.0 s");
    }

    @Test
    void aRunnerRestartMidWaitGivesTheReplicasAFullMonitorWindow() {
        newHealthy = false;
        begin(web(3, Order.START_FIRST, FailureAction.ROLLBACK));
        pass();
        pass();
        // The runner was down for 31 s (a slow start on a busy machine): longer than the 30 s window.
        now += Duration.ofSeconds(31).toMillis();
        runnerStartedAt = now;
        pass();
        assertThat(log()).noneMatch(l -> l.startsWith("ReplicaUnhealthy") || l.startsWith("RollbackStarted"));
        now += Duration.ofSeconds(29).toMillis();
        pass();
        assertThat(log()).as("29 s after the restart")
                .noneMatch(l -> l.startsWith("ReplicaUnhealthy") || l.startsWith("RollbackStarted"));
        now += Duration.ofSeconds(2).toMillis();
        runUntil(Phase.RolledBack);
        assertThat(release.message()).endsWith("not healthy after 30.0 s");
    }

    @Test
    void abortMidwayRestoresAndEndsAborted() {
        begin(web(3, Order.START_FIRST, FailureAction.ROLLBACK));
        for (int i = 0; i < 5; i++) {
            pass();
        }
        assertThat(release.step()).isGreaterThanOrEqualTo(1);
        abort = "by hand";
        runUntil(Phase.Aborted);
        assertThat(sets).containsExactly(new ReplicaSet(APP, "web", 1, 3, 100));
        assertThat(release.message()).isEqualTo("release shop-2-abcd aborted, back at revision 1: aborted: by hand");
    }

    @Test
    void failureActionPauseWaitsForResume() {
        newHealthy = false;
        begin(web(3, Order.START_FIRST, FailureAction.PAUSE));
        pass();
        now += Duration.ofSeconds(31).toMillis();
        runUntil(Phase.Paused);
        assertThat(ReleaseCommands.decide(release, strategy, Command.Resume)).isInstanceOf(Transition.Allowed.class);
        assertThat(ReleaseCommands.decide(release, strategy, Command.Promote)).isInstanceOf(Transition.NotApplicable.class);
        newHealthy = true;
        observe();
        resume = true;
        runUntil(Phase.Succeeded);
        assertThat(log()).anyMatch(l -> l.startsWith("ReleaseResumed"));
    }
}
