package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.release.hooks.ReleaseHooks;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one pass over one release knows and decides. The controller builds it from the store and the observed
 * state, the strategy changes it, and the controller saves it once at the end of the pass.
 */
public final class ReleaseContext {
    /** The release as loaded; phase, step, weight and message below are its new values. */
    private final ReleaseRecord release;
    /** The revision serving before the release; null for an app's first release. */
    private final RevisionRecord from;
    /** The revision being released. */
    private final RevisionRecord to;
    /** Its parsed spec. */
    private final AppSpec toSpec;
    /** The app's desired replica sets; the strategy edits them, the reconciler makes them real. */
    private final List<ReplicaSet> sets;
    /** Where the release stands (step stage, timers, replicas already reported), saved with the release. */
    private final ReleaseProgress progress;
    /** The replicas as the reconciler last saw them. */
    private final ObservedState observed;
    private final EventLog events;
    /** The events of this pass, saved with its status. */
    private final List<EventLog.Pending> pendingEvents = new ArrayList<>();
    /** Why a route cannot be applied (its port is taken), by route name; null when it is fine. */
    private final Function<String, RouteSync.RouteFailure> routeFailures;
    /** The command asked through the API that this pass carries out, or null. */
    private final ReleaseCommands.Request command;
    /** The autoscaler's resizes this pass carries out (a canary's total replicas, by service); empty when none. */
    private Map<String, Integer> resizes = Map.of();
    private final long now;

    private Phase phase;
    private int step;
    private int canaryWeight;
    private String message;
    private boolean setsChanged;
    private Integer serveRevision;

    ReleaseContext(ReleaseRecord release, RevisionRecord from, RevisionRecord to, AppSpec toSpec, List<ReplicaSet> sets,
                   ReleaseProgress progress, ObservedState observed, EventLog events,
                   ReleaseCommands.Request command, long now, Function<String, RouteSync.RouteFailure> routeFailures) {
        this.routeFailures = routeFailures;
        this.release = release;
        this.from = from;
        this.to = to;
        this.toSpec = toSpec;
        this.sets = new ArrayList<>(sets);
        this.progress = progress;
        this.observed = observed;
        this.events = events;
        this.command = command;
        this.now = now;
        this.phase = release.phase();
        this.step = release.step();
        this.canaryWeight = release.canaryWeight();
        this.message = release.message();
    }

    public ReleaseRecord release() {
        return release;
    }

    public String app() {
        return release.app();
    }

    public RevisionRecord from() {
        return from;
    }

    public RevisionRecord to() {
        return to;
    }

    public AppSpec toSpec() {
        return toSpec;
    }

    public ReleaseProgress progress() {
        return progress;
    }

    /** Why the engine could not start a replica (no such image, ...); null when it did. */
    private StartFailures startFailures = (app, service, revision, index) -> null;
    private long runnerStartedAt;

    /** Why the engine could not start replica {@code index} of a service at a revision of an app, or null. */
    @FunctionalInterface
    interface StartFailures {
        String of(String app, String service, int revision, int index);
    }

    void startFailures(StartFailures f) {
        this.startFailures = f;
    }

    /** When this runner process began running releases (epoch ms); see {@link #healthWaitStart}. */
    void runnerStartedAt(long startedAt) {
        this.runnerStartedAt = startedAt;
    }

    /**
     * When a wait for replicas to turn healthy that began at {@code since} counts from: never before this runner
     * process started. While the runner was down nobody started or watched those replicas, so a restart (which
     * takes long on a busy machine) must not use up the monitor window and fail a release whose replicas are
     * merely late.
     */
    public long healthWaitStart(long since) {
        return Math.max(since, runnerStartedAt);
    }

    /** Why the last start of replica {@code index} of a service at a revision failed, or null. */
    public String startFailure(String service, int revision, int index) {
        return startFailures.of(app(), service, revision, index);
    }

    /**
     * Why the route of {@code service} is not in force ({@code route of web cannot listen on port 8000: ...}, or the
     * router it chose refused it), or null.
     */
    public String routeError(String service) {
        RouteSync.RouteFailure f = routeFailures.apply(RouteSync.routeName(app(), service));
        return f == null ? null : f.describe(service);
    }

    /** Why the preview route of {@code service} (blue-green) cannot listen, or null. */
    public RouteSync.RouteFailure previewRouteFailure(String service) {
        return routeFailures.apply(RouteSync.previewRouteName(app(), service));
    }

    /** Why an abort was asked in this pass, or null when none was. */
    public String abortReason() {
        return command != null && command.command() == Command.Abort ? command.reason() : null;
    }

    /** The promote, pause or resume asked in this pass, or null (an abort is {@link #abortReason()}). */
    public Command command() {
        return command == null || command.command() == Command.Abort ? null : command.command();
    }

    /** Sets the autoscaler's resizes this pass carries out. */
    void resizes(Map<String, Integer> resizes) {
        this.resizes = Map.copyOf(resizes);
    }

    /** The autoscaler's resizes asked since the last pass: total replicas, by service. */
    public Map<String, Integer> resizes() {
        return resizes;
    }

    public long now() {
        return now;
    }

    public Phase phase() {
        return phase;
    }

    public int step() {
        return step;
    }

    public void step(int newStep) {
        this.step = newStep;
    }

    public void canaryWeight(int w) {
        this.canaryWeight = w;
    }

    public int canaryWeight() {
        return canaryWeight;
    }

    /** Moves the release to {@code newPhase}; {@code why} becomes the status message. */
    public void phase(Phase newPhase, String why) {
        this.phase = newPhase;
        this.message = why;
    }

    public void message(String m) {
        this.message = m;
    }

    public String message() {
        return message;
    }

    /**
     * Records an event with the phase the release has at this point of the pass. It is written with the pass's
     * status, in the same transaction, and reaches the event stream once that has committed.
     */
    public void event(String type, String text, Map<String, Object> data) {
        pendingEvents.add(new EventLog.Pending(type, phase, text, data));
    }

    /** The events of this pass, in order, not recorded yet. */
    List<EventLog.Pending> pendingEvents() {
        return List.copyOf(pendingEvents);
    }

    /**
     * Ends a release whose new revision carries all the traffic: the app serves it, and the release succeeds,
     * unless afterRelease hooks are still to run ({@link ReleaseHooks#holdsSuccess}); they call this again once
     * they have all exited 0.
     */
    public void succeed() {
        serveRevision(to.revision());
        if (ReleaseHooks.holdsSuccess(this)) {
            return;
        }
        String text = "release " + release.id() + " succeeded: " + app() + " at revision " + to.revision();
        phase(Phase.Succeeded, text);
        event(EventTypes.RELEASE_SUCCEEDED, text, Map.of("revision", to.revision()));
    }

    /** After the pass, the app serves this revision (set on success and on rollback). */
    public void serveRevision(int revision) {
        this.serveRevision = revision;
    }

    Integer serveRevisionChange() {
        return serveRevision;
    }

    public List<ReplicaSet> sets() {
        return List.copyOf(sets);
    }

    boolean setsChanged() {
        return setsChanged;
    }

    public Optional<ReplicaSet> set(String service, int revision) {
        return sets.stream().filter(s -> s.service().equals(service) && s.revision() == revision).findFirst();
    }

    /** Creates or changes a replica set. */
    public void putSet(ReplicaSet set) {
        Optional<ReplicaSet> old = set(set.service(), set.revision());
        if (old.isPresent() && old.get().equals(set)) {
            return;
        }
        old.ifPresent(sets::remove);
        sets.add(set);
        setsChanged = true;
    }

    public void removeSet(String service, int revision) {
        setsChanged |= sets.removeIf(s -> s.service().equals(service) && s.revision() == revision);
    }

    /** Replaces every set (rollback restores the sets saved when the release began). */
    public void replaceSets(List<ReplicaSet> all) {
        if (!all.equals(sets)) {
            sets.clear();
            sets.addAll(all);
            setsChanged = true;
        }
    }

    /**
     * Puts back the sets saved when the release began, with the sets it added still there but weightless: the
     * traffic goes back first, and the new replicas keep running until the stable ones are healthy.
     */
    public void restoreKeepingNewWeightless(List<ReplicaSet> original) {
        List<ReplicaSet> restored = new ArrayList<>(original);
        for (ReplicaSet set : sets) {
            boolean known = original.stream().anyMatch(o -> o.service().equals(set.service()) && o.revision() == set.revision());
            if (!known) {
                restored.add(set.withWeight(0));
            }
        }
        replaceSets(restored);
    }

    /** Whether every replica of these sets is observed healthy. */
    public boolean allHealthy(List<ReplicaSet> wanted) {
        for (ReplicaSet set : wanted) {
            long healthy = replicas(set.service(), set.revision(), set.replicas()).stream()
                    .filter(ObservedReplica::healthy).count();
            if (healthy < set.replicas()) {
                return false;
            }
        }
        return true;
    }

    /** Observed replicas of a service at a revision with index 1..{@code count}. */
    public List<ObservedReplica> replicas(String service, int revision, int count) {
        return observed.replicas(app(), service, revision).stream()
                .filter(r -> r.replica().index() <= count).toList();
    }

    /** Containers of a service at a revision with an index above {@code keep}, still on the engine. */
    public List<Replica> leftovers(String service, int revision, int keep) {
        return observed.containers(app()).stream()
                .filter(r -> service.equals(r.service()) && r.revision() == revision && r.index() > keep)
                .toList();
    }
}
