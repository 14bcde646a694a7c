package io.jenkins.plugins.slipway.runner.autoscale;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.Autoscale;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.release.spec.Durations;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.reconcile.Reconciler;
import io.jenkins.plugins.slipway.runner.release.GrayService;
import io.jenkins.plugins.slipway.runner.release.ReleaseProgress;
import io.jenkins.plugins.slipway.runner.release.canary.CanaryStrategy;
import io.jenkins.plugins.slipway.runner.store.AppRecord;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sizes the services that have {@code x-slipway.autoscale}: once a second it reads each one's load from the router
 * (requests per second and requests in flight of the revision that serves) and, for {@code cpuPercent} and
 * {@code memoryPercent}, its replicas' use from the engine's stats ({@link ResourceSamples}), asks the service's
 * {@link ServiceScaler} for a count, and writes a new count as {@code POST /scale} does (the replica set in the
 * store, then a reconcile pass, which starts or drains replicas and syncs the route). Every change is an event of
 * the app's stream ({@link #stream}) with the measures beside the targets.
 * <p>
 * It never fights a release. During a canary it sizes the service as a whole from the load of both revisions and
 * asks the release to resize ({@link CanaryResizer}): the release pass scales the stable revision to the new total
 * and the canary to its weight's share of it. During any other release, a rollback, or a canary's final promotion it
 * decides nothing (one {@code AutoscaleHeld} event says so), and it starts again from the counts the release left.
 */
public final class Autoscaler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);
    /** How often it measures and decides: fast enough to have new replicas serving within seconds of a load step. */
    static final Duration PERIOD = Duration.ofSeconds(1);
    /** The span a rate is measured over: long enough to smooth one pass's jitter, short enough to follow a step. */
    static final Duration MEASURE_WINDOW = Duration.ofSeconds(3);
    /** How long a resize asked of a canary may take to show in the release before it is asked again. */
    private static final Duration RESIZE_WAIT = Duration.ofSeconds(5);
    /**
     * How often a service woken from zero asks for a reconcile pass until its route has a backend: a pass admits a
     * replica as soon as its probe answers, rather than at the reconciler's next one-second pass, and requests wait.
     */
    private static final Duration FOLLOW_POLL = Duration.ofMillis(50);
    /**
     * The same for a scale-up, less often: nobody waits on it (the replicas that run serve meanwhile), and under the
     * load that caused it, passes many times a second would take CPU from the containers starting.
     */
    private static final Duration SCALE_UP_POLL = Duration.ofMillis(200);
    /**
     * How long a scale-up is followed at most: a replica that takes longer is admitted by the ordinary passes, and a
     * replica that never answers does not keep the reconciler running many passes a second.
     */
    private static final Duration FOLLOW_LIMIT = Duration.ofSeconds(10);

    private final Database db;
    private final AppRepository apps;
    private final ReleaseRepository releases;
    private final SpecCache specs;
    private final ObservedState observed;
    private final RouteSync routes;
    private final Reconciler reconciler;
    private final EventLog events;
    private final CanaryResizer resizer;
    /** The CPU and memory use of the replicas, for cpuPercent and memoryPercent targets. */
    private final ResourceSamples resources;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "slipway-autoscaler");
        t.setDaemon(true);
        return t;
    });
    /** By app, then service: the scaler and load of the revision that serves. */
    private final Map<String, Map<String, Tracked>> tracked = new ConcurrentHashMap<>();
    /** By app: the release it holds for, so that it says so once per release. */
    private final Map<String, String> heldFor = new ConcurrentHashMap<>();

    public Autoscaler(Database db, AppRepository apps, ReleaseRepository releases, SpecCache specs,
                      ObservedState observed, RouteSync routes, Reconciler reconciler, EventLog events,
                      CanaryResizer resizer, ResourceSamples resources) {
        this.db = db;
        this.apps = apps;
        this.releases = releases;
        this.specs = specs;
        this.observed = observed;
        this.routes = routes;
        this.reconciler = reconciler;
        this.events = events;
        this.resizer = resizer;
        this.resources = resources;
    }

    /** Asks a canary in progress to resize a service: the release pass carries it out (ReleaseController#resize). */
    @FunctionalInterface
    public interface CanaryResizer {
        void resize(String releaseId, String service, int replicas);
    }

    /** The id under which an app's autoscaling events are stored and read ({@code GET /api/v1/apps/{app}/events}). */
    public static String stream(String app) {
        return "app:" + app;
    }

    public void start() {
        loop.scheduleWithFixedDelay(this::passQuietly, PERIOD.toMillis(), PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A scheduled task that throws is never run again: one failed pass must not end autoscaling. */
    private void passQuietly() {
        try {
            pass(System.nanoTime());
        } catch (RuntimeException e) {
            LOG.warn("Autoscaling pass failed: {}", e.toString());
        }
    }

    void pass(long nanos) {
        List<AppRecord> all = db.tx(apps::all);
        tracked.keySet().retainAll(all.stream().map(AppRecord::name).toList());
        for (AppRecord app : all) {
            try {
                app(app, nanos);
            } catch (RuntimeException e) {
                LOG.warn("Autoscaling {} failed: {}", app.name(), e.toString());
            }
        }
    }

    private void app(AppRecord app, long nanos) {
        if (app.revision() == 0) {
            return;
        }
        Optional<AppSpec> spec = specs.spec(app.name(), app.revision());
        // Most apps size nothing: they cost one cached spec lookup a pass, no database call.
        if (spec.isEmpty() || spec.get().services().values().stream().allMatch(s -> s.autoscale() == null)) {
            tracked.remove(app.name());
            heldFor.remove(app.name());
            return;
        }
        RevisionRecord serving = db.tx(c -> apps.revision(c, app.name(), app.revision())).orElse(null);
        if (serving == null) {
            return;
        }
        Map<String, Tracked> services = tracked.computeIfAbsent(app.name(), k -> new ConcurrentHashMap<>());
        services.keySet().retainAll(spec.get().services().keySet());
        ReleaseRecord release = inProgress(app);
        ReleaseProgress progress = release == null ? null : ReleaseProgress.read(release.state());
        List<ReplicaSet> sets = db.tx(c -> apps.replicaSets(c, app.name()));
        List<String> held = new ArrayList<>();
        for (ServiceSpec service : spec.get().services().values()) {
            Integer revision = serving.serviceRevisions().get(service.name());
            if (service.autoscale() == null || revision == null) {
                services.remove(service.name());
                continue;
            }
            GrayService canary = resizableCanary(release, progress, service.name());
            // A canary's load is both revisions' and is kept apart from the load of one revision before or after.
            Integer stable = canary == null ? null : canary.from();
            Tracked t = services.compute(service.name(),
                    (k, old) -> Tracked.following(old, revision, stable, service.autoscale()));
            if (canary != null) {
                resizeCanary(app.name(), service.name(), release, canary, t, nanos);
                continue;
            }
            Optional<ReplicaSet> set = sets.stream()
                    .filter(s -> s.service().equals(service.name()) && s.revision() == revision).findFirst();
            if (set.isEmpty()) {
                continue;
            }
            sample(app.name(), service.name(), revision, t, nanos);
            if (release != null) {
                held.add(service.name());
                t.held = "release " + release.id() + " is " + release.phase();
                // Idleness counts from the end of a release: the replicas it started are new, not idle.
                t.activeAt = nanos;
                // And the count it leaves is found anew when it ends: held for the scale-down window (decide).
                t.seen = -1;
                continue;
            }
            t.held = null;
            if (service.autoscale().scalesToZero() && idle(app.name(), service.name(), t, set.get(), nanos)) {
                continue;
            }
            decide(app.name(), service.name(), t, set.get(), nanos);
        }
        hold(app.name(), release, held);
    }

    /**
     * The service as a canary in progress replaces it, when the autoscaler may resize it through the release: the
     * canary goes forward (no rollback, not the final promotion) and replaces the service. Null otherwise.
     */
    private static GrayService resizableCanary(ReleaseRecord release, ReleaseProgress progress, String service) {
        if (release == null || !release.strategy().equals(CanaryStrategy.NAME)
                || (release.phase() != Phase.Progressing && release.phase() != Phase.Paused)
                || progress.rollback != null || progress.finishing != null || progress.services == null) {
            return null;
        }
        return progress.services.stream().filter(s -> s.replaced() && s.service().equals(service)).findFirst()
                .orElse(null);
    }

    /**
     * Sizes a service during its canary from the route's load on both revisions: the total is the count the service
     * has at full traffic, the stable revision's, so the load per replica is the route's divided among the stable
     * replicas that are ready (the canary's share of replicas follows its share of traffic, so its replicas carry as
     * much each). A change is asked of the release, which scales both revisions in its next pass, at once.
     */
    private void resizeCanary(String app, String service, ReleaseRecord release, GrayService canary, Tracked t,
                              long nanos) {
        t.held = null;
        // Replicas a release starts are not idle ones.
        t.activeAt = nanos;
        String route = RouteSync.routeName(app, service);
        long requests = 0;
        int inFlight = 0;
        for (int revision : List.of(canary.from(), canary.to())) {
            requests += routes.router().snapshot(route, String.valueOf(revision)).requests();
            for (ObservedReplica r : observed.replicas(app, service, revision)) {
                inFlight += routes.inFlight(app, service, r.replica().id());
            }
        }
        t.load.add(nanos, requests, inFlight);
        int current = canary.replicas();
        long nowMillis = TimeUnit.NANOSECONDS.toMillis(nanos);
        if (t.seen >= 0 && t.seen != current && nanos - t.askedAt < RESIZE_WAIT.toNanos()) {
            return; // the release has not carried out the last resize yet
        }
        if (t.seen < 0) {
            t.scaler.setByHand(nowMillis, current);
        }
        t.seen = current;
        int ready = (int) Math.min(current, observed.replicas(app, service, canary.from()).stream()
                .filter(ObservedReplica::healthy).count());
        // CPU and memory are a mean per replica: over the ready replicas of both revisions.
        List<Replica> both = new ArrayList<>();
        for (int revision : List.of(canary.from(), canary.to())) {
            observed.replicas(app, service, revision).stream().filter(ObservedReplica::healthy)
                    .map(ObservedReplica::replica).forEach(both::add);
        }
        ResourceSamples.Usage usage = resources.usage(specs.service(app, canary.to(), service).orElse(null), both, nanos);
        Map<String, Double> measured = new LinkedHashMap<>();
        Decision d = t.scaler.decide(nowMillis, current, ready, measures(t, ready, usage, measured));
        t.figures = new Figures(d.from(), d.to(), measured);
        if (!d.changes()) {
            return;
        }
        t.seen = d.to();
        t.askedAt = nanos;
        resizer.resize(release.id(), service, d.to());
        int weight = release.canaryWeight();
        Map<String, Object> data = decisionData(service, d, ready, measured);
        data.put("release", release.id());
        data.put("canaryWeight", weight);
        record(app, EventTypes.AUTOSCALED, d.describe(service) + "; release " + release.id() + " is a canary at "
                + weight + "%: the stable revision runs " + d.to() + ", the canary its share", data);
    }

    /** The app's release when one is in progress, else null. */
    private ReleaseRecord inProgress(AppRecord app) {
        if (app.currentRelease() == null) {
            return null;
        }
        ReleaseRecord r = db.tx(c -> releases.find(c, app.currentRelease())).orElse(null);
        return r != null && !r.phase().isTerminal() ? r : null;
    }

    private void hold(String app, ReleaseRecord release, List<String> services) {
        if (release == null) {
            heldFor.remove(app);
            return;
        }
        if (services.isEmpty() || release.id().equals(heldFor.put(app, release.id()))) {
            return;
        }
        List<String> names = services.stream().sorted().toList();
        record(app, EventTypes.AUTOSCALE_HELD, String.join(", ", names) + ": autoscaling holds while release "
                + release.id() + " is " + release.phase() + (release.strategy().equals(CanaryStrategy.NAME)
                ? " and not a canary going forward" : "") + "; it goes on from the counts the release leaves",
                Map.of("release", release.id(), "services", names));
    }

    private void sample(String app, String service, int revision, Tracked t, long nanos) {
        String route = RouteSync.routeName(app, service);
        long requests = routes.router().snapshot(route, String.valueOf(revision)).requests();
        int inFlight = 0;
        for (ObservedReplica r : observed.replicas(app, service, revision)) {
            inFlight += routes.inFlight(app, service, r.replica().id());
        }
        t.load.add(nanos, requests, inFlight);
        if (requests != t.lastRequests || inFlight > 0) {
            t.lastRequests = requests;
            t.activeAt = nanos;
        }
    }

    /**
     * Scale to zero: a service with {@code idleAfter} that has had no request for that long stops all its
     * replicas; one already at zero is left there (its route holds the next request, which {@link #wake}s it).
     *
     * @return true when the service is at zero now, so the load has nothing to decide
     */
    private boolean idle(String app, String service, Tracked t, ReplicaSet set, long nanos) {
        if (set.replicas() == 0) {
            t.figures = new Figures(0, 0, Map.of());
            return true;
        }
        long ready = observed.replicas(app, service, set.revision()).stream().filter(ObservedReplica::healthy).count();
        if (ready < set.replicas() || routes.router().held(RouteSync.routeName(app, service)) > 0) {
            // Starting (woken, or replacing a replica) or with requests held: busy, whatever the count says.
            t.activeAt = nanos;
            return false;
        }
        Duration idleAfter = t.scaler.policy().idleAfter();
        if (nanos - t.activeAt < idleAfter.toNanos() || !write(app, service, set, 0)) {
            return false;
        }
        reconciler.trigger();
        t.figures = new Figures(set.replicas(), 0, Map.of());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("service", service);
        data.put("from", set.replicas());
        data.put("to", 0);
        data.put("idleAfter", idleAfter.toString());
        record(app, EventTypes.AUTOSCALED, service + ": " + set.replicas() + " → 0 replicas, no request for "
                + Durations.human(idleAfter) + " (idleAfter); its route holds the next request while a replica starts",
                data);
        return true;
    }

    /**
     * A request waits on the route of a service at zero ({@link io.jenkins.plugins.slipway.runner.routing.Router#onHeld}):
     * starts its replicas again, {@code deploy.replicas} of them as a release would, within min..max. Called on the
     * router's threads; the work is done on the autoscaler's own.
     */
    public void wake(String route) {
        long heldAt = System.nanoTime();
        loop.execute(() -> {
            try {
                wakeNow(route, heldAt);
            } catch (RuntimeException e) {
                LOG.warn("Waking {} failed: {}", route, e.toString());
            }
        });
    }

    private void wakeNow(String route, long heldAt) {
        int slash = route.indexOf('/');
        if (slash < 0) {
            return;
        }
        String app = route.substring(0, slash);
        String service = route.substring(slash + 1);
        AppRecord record = db.tx(c -> apps.find(c, app)).orElse(null);
        RevisionRecord serving = record == null ? null : db.tx(c -> apps.revision(c, app, record.revision())).orElse(null);
        Integer revision = serving == null ? null : serving.serviceRevisions().get(service);
        ServiceSpec spec = revision == null ? null : specs.service(app, revision, service).orElse(null);
        if (spec == null || spec.autoscale() == null || !spec.autoscale().scalesToZero()) {
            return;
        }
        ReplicaSet set = db.tx(c -> apps.replicaSets(c, app)).stream()
                .filter(s -> s.service().equals(service) && s.revision() == revision).findFirst().orElse(null);
        if (set == null || set.replicas() > 0) {
            return;
        }
        int to = Math.max(spec.autoscale().floor(), Math.min(spec.autoscale().max(), spec.replicas()));
        if (!write(app, service, set, to)) {
            return;
        }
        Tracked t = tracked.getOrDefault(app, Map.of()).get(service);
        if (t != null) {
            t.activeAt = System.nanoTime();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("service", service);
        data.put("from", 0);
        data.put("to", to);
        record(app, EventTypes.AUTOSCALED, service + ": 0 → " + to + " replicas"
                + ", a request is waiting on its route (held there while the replica starts)", data);
        followWake(route, heldAt);
    }

    /**
     * Until the woken route has a backend, asks for a reconcile pass every {@link #FOLLOW_POLL}: the replica is a
     * backend as soon as a pass sees it answer, and the held requests go on at once, rather than at the next
     * one-second pass. Bounded by {@link RouteSync#HOLD}'s timeout, after which the held requests are answered anyway.
     */
    private void followWake(String route, long heldAt) {
        reconciler.trigger();
        boolean served = routes.router().spec(route).map(r -> !r.backends().isEmpty()).orElse(true);
        if (served) {
            LOG.info("Route {} serves again {} ms after its first held request", route,
                    (System.nanoTime() - heldAt) / 1_000_000);
            return;
        }
        if (System.nanoTime() - heldAt < RouteSync.HOLD.timeout().toNanos()) {
            loop.schedule(() -> followWake(route, heldAt), FOLLOW_POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void decide(String app, String service, Tracked t, ReplicaSet set, long nanos) {
        long nowMillis = TimeUnit.NANOSECONDS.toMillis(nanos);
        if (t.seen < 0 || set.replicas() != t.seen) {
            // Scaled by hand (POST /scale, the CLI) since the last pass, or found so (after a release, a restart):
            // the count goes on from there, and the scale-down window holds it as it holds a measured peak.
            t.scaler.setByHand(nowMillis, set.replicas());
        }
        t.seen = set.replicas();
        List<Replica> readyReplicas = observed.replicas(app, service, set.revision()).stream()
                .filter(ObservedReplica::healthy).map(ObservedReplica::replica).toList();
        int ready = readyReplicas.size();
        ResourceSamples.Usage usage = resources.usage(specs.service(app, set.revision(), service).orElse(null),
                readyReplicas, nanos);
        Map<String, Double> measured = new LinkedHashMap<>();
        Decision d = t.scaler.decide(nowMillis, set.replicas(), ready, measures(t, ready, usage, measured));
        t.figures = new Figures(d.from(), d.to(), measured);
        if (d.changes() && write(app, service, set, d.to())) {
            t.seen = d.to();
            record(app, EventTypes.AUTOSCALED, d.describe(service), decisionData(service, d, ready, measured));
            followScaleUp(app, service, set.revision(), d.to(), System.nanoTime());
        }
    }

    /**
     * Asks for a reconcile pass now and, while the service has fewer ready replicas than {@code to}, again every
     * {@link #SCALE_UP_POLL} (for {@link #FOLLOW_LIMIT} at most): the new replicas serve soon after they answer.
     */
    private void followScaleUp(String app, String service, int revision, int to, long since) {
        reconciler.trigger();
        long ready = observed.replicas(app, service, revision).stream().filter(ObservedReplica::healthy).count();
        if (ready < to && System.nanoTime() - since < FOLLOW_LIMIT.toNanos()) {
            loop.schedule(() -> followScaleUp(app, service, revision, to, since), SCALE_UP_POLL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The load per ready replica for each target of the policy; none until the load has been measured over a window
     * or while no replica is ready. Puts each figure, rounded, in {@code measured} for the status and the events.
     */
    private static List<Measurement> measures(Tracked t, int ready, ResourceSamples.Usage usage,
                                              Map<String, Double> measured) {
        List<Measurement> measures = new ArrayList<>();
        // A target without a figure yet (a stats reading behind) keeps the count: no decision on part of the targets.
        if (!t.load.measured() || ready <= 0 || !usage.complete(t.scaler.policy())) {
            return measures;
        }
        for (Map.Entry<Autoscale.Target, Double> target : t.scaler.policy().targets().entrySet()) {
            double total = switch (target.getKey()) {
                case REQUESTS_PER_SECOND -> t.load.requestsPerSecond();
                case IN_FLIGHT -> t.load.inFlight();
                // The mean over the ready replicas with a figure, as a total over all of them.
                case CPU_PERCENT, MEMORY_PERCENT -> usage.percent(target.getKey()) * ready;
            };
            Measurement m = new Measurement(target.getKey(), total / ready, target.getValue());
            measures.add(m);
            measured.put(target.getKey().key(), round(m.perReplica()));
        }
        return measures;
    }

    private static Map<String, Object> decisionData(String service, Decision d, int ready, Map<String, Double> measured) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("service", service);
        data.put("from", d.from());
        data.put("to", d.to());
        data.put("recommended", d.recommended());
        data.put("ready", ready);
        data.put("target", d.reason().target().key());
        data.put("measured", round(d.reason().perReplica()));
        data.put("goal", d.reason().goal());
        data.put("measures", measured);
        if (d.limitedBy() != null) {
            data.put("limitedBy", d.limitedBy());
        }
        return data;
    }

    /**
     * Sets the serving replica set's count, unless a release started or someone scaled it since it was read: the
     * next pass decides again from what is stored then.
     */
    private boolean write(String app, String service, ReplicaSet read, int replicas) {
        return db.tx(c -> {
            AppRecord now = apps.find(c, app).orElse(null);
            if (now == null) {
                return false;
            }
            if (now.currentRelease() != null && releases.find(c, now.currentRelease())
                    .map(r -> !r.phase().isTerminal()).orElse(false)) {
                return false;
            }
            List<ReplicaSet> sets = new ArrayList<>(apps.replicaSets(c, app));
            if (!sets.contains(read)) {
                return false;
            }
            sets.replaceAll(s -> s.equals(read) ? s.withReplicas(replicas) : s);
            apps.saveReplicaSets(c, app, sets);
            return true;
        });
    }

    private void record(String app, String type, String message, Map<String, Object> data) {
        events.append(stream(app), app, type, Phase.Succeeded, message, data);
    }

    /** The app's autoscaling events after sequence {@code after}, oldest first. */
    public List<ReleaseEvent> events(String app, long after) {
        return events.since(stream(app), app, after);
    }

    /** The figures of an autoscaled service for the app status; null for a service it does not size. */
    public AppStatus.Autoscaling status(String app, String service) {
        Tracked t = tracked.getOrDefault(app, Map.of()).get(service);
        if (t == null) {
            return null;
        }
        Autoscale policy = t.scaler.policy();
        Map<String, Double> targets = new LinkedHashMap<>();
        policy.targets().forEach((target, goal) -> targets.put(target.key(), goal));
        Figures f = t.figures;
        return new AppStatus.Autoscaling(policy.min(), policy.max(), f == null ? -1 : f.current(),
                f == null ? -1 : f.desired(), f == null ? Map.of() : f.measured(), targets, t.held);
    }

    /** Every autoscaled service's figures, by app and service, for {@code /metrics}. */
    public Map<String, Map<String, AppStatus.Autoscaling>> all() {
        Map<String, Map<String, AppStatus.Autoscaling>> out = new TreeMap<>();
        tracked.forEach((app, services) -> services.keySet().forEach(service -> {
            AppStatus.Autoscaling s = status(app, service);
            if (s != null) {
                out.computeIfAbsent(app, k -> new TreeMap<>()).put(service, s);
            }
        }));
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Override
    public void close() {
        loop.shutdownNow();
        resources.close();
    }

    /** The last decision's figures. */
    private record Figures(int current, int desired, Map<String, Double> measured) {
    }

    /** What the autoscaler keeps of one service: its revision's scaler and load, the last figures. */
    private static final class Tracked {
        final int revision;
        /** During a canary, the stable revision whose load counts with {@code revision}'s; null otherwise. */
        final Integer stable;
        final ServiceScaler scaler;
        final LoadSamples load = new LoadSamples(MEASURE_WINDOW.toNanos());
        volatile Figures figures;
        volatile String held;
        /** The router's request count at the last sample, and when the service last had a request (nanoTime). */
        long lastRequests = -1;
        /**
         * The count the last pass saw or wrote (during a canary: asked of the release), to tell a scale by hand from
         * its own; -1 before the first.
         */
        int seen = -1;
        /** When the last resize was asked of a canary (nanoTime). */
        long askedAt;
        volatile long activeAt = System.nanoTime();

        private Tracked(int revision, Integer stable, ServiceScaler scaler) {
            this.revision = revision;
            this.stable = stable;
            this.scaler = scaler;
        }

        /**
         * {@code old} while the revision, the canary and the policy are the same. Otherwise a new load to measure
         * with {@code old}'s history: the count a release leaves stays held by the scale-down window, as the peak
         * before it was.
         */
        static Tracked following(Tracked old, int revision, Integer stable, Autoscale policy) {
            if (old == null) {
                return new Tracked(revision, stable, new ServiceScaler(policy));
            }
            if (old.revision == revision && Objects.equals(old.stable, stable) && old.scaler.policy().equals(policy)) {
                return old;
            }
            return new Tracked(revision, stable, old.scaler.continuing(policy));
        }
    }
}
