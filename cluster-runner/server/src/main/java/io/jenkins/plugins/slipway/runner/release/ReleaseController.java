package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.reconcile.Reconciler;
import io.jenkins.plugins.slipway.runner.release.hooks.ReleaseHooks;
import io.jenkins.plugins.slipway.runner.release.plan.Command;
import io.jenkins.plugins.slipway.runner.release.plan.Phases;
import io.jenkins.plugins.slipway.runner.release.plan.Transition;
import io.jenkins.plugins.slipway.runner.store.AppRecord;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives every release that is not finished, one pass each every 200 ms: loads it, lets its strategy decide,
 * saves status and desired state in one transaction, and applies the routes at once so a weight change is
 * served within the pass. Releases are found in the store, so after a restart (even {@code kill -9}) the
 * ones in progress simply go on.
 */
public final class ReleaseController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseController.class);
    private static final long PERIOD_MS = 200;

    private final Database db;
    private final AppRepository apps;
    private final ReleaseRepository releases;
    private final SpecCache specs;
    private final ObservedState observed;
    private final EventLog events;
    private final Reconciler reconciler;
    private final RouteSync routes;
    private final Strategies strategies;
    /** Promote, abort, pause and resume asked through the API, waiting for their pass. */
    private final ReleaseCommands commands;
    /** Analysis runs of the releases in progress. */
    private final AnalysisRuns analyses;
    /** The release step that runs the app's one-shot services before and after the strategy moves it. */
    private final ReleaseHooks hooks;
    /** When this process's controller was made: health waits of releases resumed after a restart count from here. */
    private final long startedAt = System.currentTimeMillis();
    private final java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slipway-releases");
        t.setDaemon(true);
        return t;
    });

    public ReleaseController(Database db, AppRepository apps, ReleaseRepository releases, SpecCache specs,
                             ObservedState observed, EventLog events, Reconciler reconciler, RouteSync routes,
                             Strategies strategies, ReleaseCommands commands, AnalysisRuns analyses,
                             ReleaseHooks hooks) {
        this.hooks = hooks;
        this.strategies = strategies;
        this.commands = commands;
        this.analyses = analyses;
        this.db = db;
        this.apps = apps;
        this.releases = releases;
        this.specs = specs;
        this.observed = observed;
        this.events = events;
        this.reconciler = reconciler;
        this.routes = routes;
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::passAll, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        reconciler.onPass(this::trigger);
    }

    /** Runs a pass over every active release soon (coalesced with one already queued). */
    public void trigger() {
        if (queued.compareAndSet(false, true)) {
            loop.execute(() -> {
                queued.set(false);
                passAll();
            });
        }
    }

    public Strategy strategy(String name) {
        return strategies.get(name);
    }

    /**
     * What {@code command} would do to the release as stored now ({@link Phases#decide}, for every strategy); the
     * API answers 409 with the reason when it does not apply.
     */
    public Transition decide(ReleaseRecord r, Command command) {
        return ReleaseCommands.decide(r, strategy(r.strategy()), command);
    }

    /**
     * Queues a command that {@link #decide} allowed and starts a pass at once, which carries it out.
     *
     * @param reason why, for an abort; blank says it came through the API
     */
    public void request(String releaseId, Command command, String reason) {
        commands.request(releaseId, command, command != Command.Abort ? null
                : reason == null || reason.isBlank() ? "aborted through the API" : reason);
        // The commanded release alone, not a pass over all of them: a promote is served in one short pass.
        loop.execute(() -> passOne(releaseId));
    }

    /**
     * Queues the autoscaler's resize of a canary in progress ({@link ReleaseCommands#resize}) and starts a pass of
     * that release at once, which scales both revisions.
     */
    public void resize(String releaseId, String service, int replicas) {
        commands.resize(releaseId, service, replicas);
        loop.execute(() -> passOne(releaseId));
    }

    private void passOne(String releaseId) {
        if (!reconciler.adopted()) {
            return; // the command waits for the first pass after adoption
        }
        try {
            db.tx(c -> releases.find(c, releaseId)).filter(r -> !r.phase().isTerminal()).ifPresent(this::pass);
        } catch (RuntimeException e) {
            LOG.warn("Release {} pass failed, retrying: {}", releaseId, e.toString());
        }
    }

    private void passAll() {
        List<ReleaseRecord> active;
        try {
            active = db.tx(releases::active);
        } catch (RuntimeException e) {
            LOG.warn("Cannot load releases: {}", e.getMessage());
            return;
        }
        if (!reconciler.adopted()) {
            return; // after a restart, wait until the reconciler has adopted the containers that run
        }
        for (ReleaseRecord r : active) {
            try {
                pass(r);
            } catch (RuntimeException e) {
                LOG.warn("Release {} pass failed, retrying: {}", r.id(), e.toString());
            }
        }
    }

    /** What a pass reads from the store, read in one transaction. */
    private record PassInput(RevisionRecord from, RevisionRecord to, List<ReplicaSet> sets) {
    }

    private void pass(ReleaseRecord r) {
        long started = System.nanoTime();
        PassInput in = db.tx(c -> {
            if (apps.find(c, r.app()).isEmpty()) {
                // The app was deleted while this release was in a pass: end it instead of retrying forever.
                releases.save(c, r.with(Phase.Aborted, r.step(), r.canaryWeight(), "app " + r.app() + " deleted", r.state()));
                return null;
            }
            RevisionRecord from = r.fromRevision() == null ? null : apps.revision(c, r.app(), r.fromRevision()).orElse(null);
            return new PassInput(from, apps.revision(c, r.app(), r.toRevision()).orElseThrow(), apps.replicaSets(c, r.app()));
        });
        if (in == null) {
            return;
        }
        RevisionRecord to = in.to();
        RevisionRecord from = in.from();
        AppSpec toSpec = specs.spec(r.app(), r.toRevision()).orElseThrow();
        List<ReplicaSet> sets = in.sets();
        ReleaseProgress progress = ReleaseProgress.read(r.state());
        ReleaseCommands.Request command = commands.take(r.id());
        ReleaseContext ctx = new ReleaseContext(r, from, to, toSpec, sets, progress, observed, events, command,
                System.currentTimeMillis(), routes::failure);
        ctx.resizes(commands.takeResizes(r.id()));
        ctx.startFailures(reconciler::startFailure);
        ctx.runnerStartedAt(startedAt);
        if (hooks.reconcileBefore(ctx)) {
            strategy(r.strategy()).reconcile(ctx);
        }
        hooks.reconcileAfter(ctx);

        ReleaseRecord updated = r.with(ctx.phase(), ctx.step(), ctx.canaryWeight(), ctx.message(), progress.write());
        long decided = System.nanoTime();
        // The router first, then the record of it. A command is in force as soon as it is decided, not one disk
        // write later (the commit is most of a promote's time). The router lives in this process: a runner that
        // dies before the commit comes back with the router built from the stored status, and a failed commit is
        // followed by a pass that starts from that status again and routes by it. (An unchanged route is not
        // applied again; a pass may change match rules or the preview route without changing a set.)
        routes.syncDecided(r.app(), ctx.sets(), observed.replicas(r.app()));
        long routed = System.nanoTime();
        // Status, desired state and the pass's events in one transaction: a failed save loses none of the events
        // and the next pass, starting from the old status again, does not repeat them. A pass that changed nothing
        // (a paused release, one waiting for health) writes nothing: each commit reaches the disk, and the passes
        // that run several times a second would otherwise hold the loop (and a promote queued behind them).
        boolean changed = !updated.equals(r) || ctx.setsChanged() || ctx.serveRevisionChange() != null
                || !ctx.pendingEvents().isEmpty();
        List<ReleaseEvent> recorded = !changed ? List.of() : save(r, updated, ctx);
        routes.saved(r.app());
        if (command != null) {
            // How long a person waits for a promote or an abort to reach the router, and where the time went:
            // bench/gray reads this line.
            LOG.info("Release {}: {} in force in the router {} ms after it was asked (waited {} ms for the release"
                    + " loop, decided in {} ms, routed in {} ms; then saved in {} ms)", r.id(),
                    command.command().verb(), ms(routed - command.askedAt()), ms(started - command.askedAt()),
                    ms(decided - started), ms(routed - decided), ms(System.nanoTime() - routed));
        }
        events.publish(recorded);
        if (ctx.setsChanged()) {
            reconciler.trigger();
        }
    }

    /**
     * Saves the release's status, the desired state it decided and the pass's events in one transaction. When that
     * fails, the sets routed for it are not kept in force: the next pass starts from the store again.
     */
    private List<ReleaseEvent> save(ReleaseRecord r, ReleaseRecord updated, ReleaseContext ctx) {
        try {
            return db.tx(c -> {
                releases.save(c, updated);
                if (ctx.setsChanged()) {
                    apps.saveReplicaSets(c, r.app(), ctx.sets());
                }
                if (ctx.serveRevisionChange() != null) {
                    Optional<AppRecord> app = apps.find(c, r.app());
                    if (app.isPresent()) {
                        AppRecord a = app.get();
                        apps.save(c, new AppRecord(a.name(), ctx.serveRevisionChange(), a.latestRevision(), a.currentRelease()));
                    }
                }
                return events.record(c, r.id(), r.app(), ctx.pendingEvents());
            });
        } catch (RuntimeException e) {
            routes.notSaved(r.app());
            throw e;
        }
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /** Marks an app's unfinished release aborted without touching replicas: the app is being deleted. */
    public void abandon(ReleaseRecord r, String why) {
        analyses.close(r.id());
        db.tx(c -> {
            releases.save(c, r.with(Phase.Aborted, r.step(), r.canaryWeight(), why, r.state()));
            return null;
        });
        events.append(r.id(), r.app(), EventTypes.RELEASE_ABORTED, Phase.Aborted, why, Map.of());
    }

    @Override
    public void close() {
        loop.shutdownNow();
    }
}
