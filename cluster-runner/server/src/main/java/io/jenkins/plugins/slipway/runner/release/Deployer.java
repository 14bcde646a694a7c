package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.Json;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.client.Cause;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.Phase;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.compose.AppPlan;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ComposeException;
import io.jenkins.plugins.slipway.runner.compose.ComposeParser;
import io.jenkins.plugins.slipway.runner.compose.FileInputs;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import io.jenkins.plugins.slipway.runner.compose.HostAccess;
import io.jenkins.plugins.slipway.runner.compose.RevisionOverlap;
import io.jenkins.plugins.slipway.runner.compose.StartOrder;
import io.jenkins.plugins.slipway.runner.compose.ParsedCompose;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.FileSizes;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.secrets.DeployFiles;
import io.jenkins.plugins.slipway.runner.secrets.SecretStore;
import io.jenkins.plugins.slipway.runner.store.AppRecord;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.store.RevisionRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns a deploy into a new revision and its release, in one transaction: nothing is written when the file
 * is invalid, and an unchanged file makes no revision at all. A service whose spec did not change keeps its
 * containers (its service revision stays the one that last changed it).
 */
public final class Deployer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Database db;
    private final AppRepository apps;
    private final ReleaseRepository releases;
    private final SpecCache specs;
    private final EventLog events;
    private final Strategies strategies;
    private final ComposeParser parser;
    private final HostAccess hostAccess;
    private final SecretStore secrets;
    /** What the engine in use cannot run or will not apply. */
    private final EngineFit fit;

    public Deployer(Database db, AppRepository apps, ReleaseRepository releases, SpecCache specs, EventLog events,
                    Strategies strategies) {
        this(db, apps, releases, specs, events, strategies, HostAccess.DEFAULT, null);
    }

    /**
     * @param hostAccess what a deploy may ask of the host (bind mounts, privileged keys, published addresses)
     * @param secrets    where the secret and config values of each revision are sealed; null for a runner without
     */
    public Deployer(Database db, AppRepository apps, ReleaseRepository releases, SpecCache specs, EventLog events,
                    Strategies strategies, HostAccess hostAccess, SecretStore secrets) {
        this(db, apps, releases, specs, events, strategies, hostAccess, secrets, EngineFit.ANY);
    }

    /**
     * @param fit what the engine in use cannot run (one-shot services on an engine without tasks, keys it has no
     *            counterpart for): a file with any is refused at deploy and validation rather than failing when its
     *            release runs; and what it reads but does not apply, added to the answer's warnings
     */
    public Deployer(Database db, AppRepository apps, ReleaseRepository releases, SpecCache specs, EventLog events,
                    Strategies strategies, HostAccess hostAccess, SecretStore secrets, EngineFit fit) {
        this.fit = fit;
        this.hostAccess = hostAccess;
        this.secrets = secrets;
        this.strategies = strategies;
        this.parser = new ComposeParser(strategies.names());
        this.db = db;
        this.apps = apps;
        this.releases = releases;
        this.specs = specs;
        this.events = events;
    }

    /** The deploy was refused because another release of the app is still running. */
    public static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        public Busy(String message) {
            super(message);
        }
    }

    public DeployResponse deploy(String app, String compose, Map<String, String> images, Cause cause)
            throws ComposeException, Busy {
        return deploy(app, compose, images, cause, DeployFiles.NONE);
    }

    /**
     * Deploys {@code compose} with the secret and config values and env files that came with it; they are sealed
     * with the new revision (and only if there is one), never stored in the database.
     */
    public DeployResponse deploy(String app, String compose, Map<String, String> images, Cause cause, DeployFiles files)
            throws ComposeException, Busy {
        List<ApiError.Problem> tooLarge = files.problems();
        if (!tooLarge.isEmpty()) {
            throw new ComposeException(tooLarge);
        }
        ParsedCompose parsed = parse(compose, images, files);
        Map<String, String> serviceHashes = serviceHashes(parsed.spec());
        String appHash = hash(new TreeMap<>(serviceHashes).toString());
        Map<String, String> imageOverrides = images == null ? Map.of() : new TreeMap<>(images);
        // Asked before the transaction: the engine may have to ask its cluster where a service will run.
        Map<String, String> engineRules = fit.rules(app, parsed.spec());
        List<String> pinWarnings = fit.pinWarnings(app, parsed.spec());

        List<String> strategyWarnings = new ArrayList<>();
        List<ReleaseEvent> started = new ArrayList<>();
        Object result = db.tx(c -> {
            Optional<AppRecord> existing = apps.find(c, app);
            ReleaseRecord running = null;
            if (existing.isPresent() && existing.get().currentRelease() != null) {
                running = releases.find(c, existing.get().currentRelease()).orElse(null);
            }
            RevisionRecord current = existing.isEmpty() || existing.get().revision() == 0 ? null
                    : apps.revision(c, app, existing.get().revision()).orElse(null);
            if (current != null && current.specHash().equals(appHash)) {
                List<String> warnings = new ArrayList<>(parsed.warnings());
                warnings.addAll(pinWarnings);
                return new DeployResponse(app, current.revision(), null, warnings);
            }
            if (running != null && !running.phase().isTerminal()) {
                return new Busy("release " + running.id() + " of " + app + " is still " + running.phase()
                        + "; wait for it or abort it (POST /api/v1/releases/" + running.id() + "/abort)");
            }
            List<ApiError.Problem> taken = routePortsTaken(c, app, parsed.spec());
            taken.addAll(hostPortsTaken(c, app, parsed.spec(), currentSpecOf(current, app)));
            if (!taken.isEmpty()) {
                return new ComposeException(taken);
            }
            int revision = existing.map(AppRecord::latestRevision).orElse(0) + 1;
            Map<String, Integer> serviceRevisions = new LinkedHashMap<>();
            AppSpec currentSpec = current == null ? null : specs.spec(app, current.revision()).orElse(null);
            Map<String, String> currentHashes = currentSpec == null ? Map.of() : serviceHashes(currentSpec);
            for (String service : parsed.spec().services().keySet()) {
                boolean same = serviceHashes.get(service).equals(currentHashes.get(service));
                serviceRevisions.put(service, same ? current.serviceRevisions().get(service) : revision);
            }
            RevisionRecord next = new RevisionRecord(app, revision, compose, imageOverrides, appHash, serviceRevisions, cause);
            apps.saveRevision(c, next);
            if (secrets != null) {
                secrets.save(app, revision, files);
            }

            List<ReplicaSet> sets = apps.replicaSets(c, app);
            List<ServiceChange> changes = new ArrayList<>();
            for (Map.Entry<String, ServiceSpec> e : parsed.spec().services().entrySet()) {
                String service = e.getKey();
                int toRev = serviceRevisions.get(service);
                Integer fromRev = current == null ? null : current.serviceRevisions().get(service);
                int oldReplicas = fromRev == null ? 0 : sets.stream()
                        .filter(s -> s.service().equals(service) && s.revision() == fromRev)
                        .mapToInt(ReplicaSet::replicas).sum();
                if (e.getValue().oneShot() != null) {
                    // Run by the release's hooks, never as replicas: replicas it ran as before go away.
                    if (oldReplicas > 0) {
                        changes.add(new ServiceChange(service, fromRev, oldReplicas, null, null));
                    }
                    continue;
                }
                if (fromRev != null && fromRev == toRev) {
                    continue;
                }
                changes.add(new ServiceChange(service, fromRev, oldReplicas, toRev, e.getValue()));
            }
            if (current != null) {
                for (Map.Entry<String, Integer> e : current.serviceRevisions().entrySet()) {
                    if (!parsed.spec().services().containsKey(e.getKey())) {
                        int oldReplicas = sets.stream().filter(s -> s.service().equals(e.getKey())
                                && s.revision() == e.getValue()).mapToInt(ReplicaSet::replicas).sum();
                        changes.add(new ServiceChange(e.getKey(), e.getValue(), oldReplicas, null, null));
                    }
                }
            }
            changes = inStartOrder(parsed.spec(), changes);
            Strategy strategy = strategies.choose(changes);
            Strategy.Start start = strategy.begin(changes, sets);
            String id = app + "-" + revision + "-" + HexFormat.of().toHexDigits((short) RANDOM.nextInt());
            ReleaseRecord release = new ReleaseRecord(id, app, current == null ? null : current.revision(), revision,
                    strategy.name(), Phase.Pending, 0, start.stepCount(), 0, "pending", start.progress().write());
            if (start.progress().warnings != null) {
                strategyWarnings.addAll(start.progress().warnings);
            }
            releases.save(c, release);
            apps.save(c, new AppRecord(app, revision, revision, id));
            started.addAll(events.record(c, id, app, List.of(startedEvent(release, orderAndRules(parsed.spec(), changes, engineRules)))));
            return release;
        });
        if (result instanceof ComposeException invalid) {
            throw invalid;
        }
        if (result instanceof Busy busy) {
            throw busy;
        }
        if (result instanceof DeployResponse unchanged) {
            return unchanged;
        }
        ReleaseRecord release = (ReleaseRecord) result;
        events.publish(started);
        List<String> warnings = new ArrayList<>(parsed.warnings());
        warnings.addAll(strategyWarnings);
        warnings.addAll(pinWarnings);
        return new DeployResponse(app, release.toRevision(), release.id(), warnings);
    }

    /** The plan of a file {@link #parse} accepted, with the rules the engine in use adds. */
    public AppPlan plan(String app, String compose, ParsedCompose parsed) {
        return AppPlan.of(app, compose, parsed, fit.rules(app, parsed.spec()));
    }

    /** Deploys a stored revision again (a rollback), with the values sealed with it. */
    public DeployResponse redeploy(RevisionRecord revision) throws ComposeException, Busy {
        DeployFiles files = secrets == null ? DeployFiles.NONE : secrets.load(revision.app(), revision.revision());
        return deploy(revision.app(), revision.compose(), revision.images(), revision.cause(), files);
    }

    /** Forgets the sealed values of a deleted app. */
    public void forget(String app) {
        if (secrets != null) {
            secrets.delete(app);
        }
    }

    /** {@code ReleaseStarted}: recorded with the release, in its transaction. */
    private static EventLog.Pending startedEvent(ReleaseRecord release, String orderAndRules) {
        String text = "release " + release.id() + ": " + release.app() + " revision "
                + (release.fromRevision() == null ? "(none)" : release.fromRevision()) + " -> " + release.toRevision()
                + " (" + release.strategy() + ", " + release.stepCount() + (release.stepCount() == 1 ? " step)" : " steps)")
                + orderAndRules;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("fromRevision", release.fromRevision());
        data.put("toRevision", release.toRevision());
        data.put("strategy", release.strategy());
        data.put("stepCount", release.stepCount());
        return new EventLog.Pending(EventTypes.RELEASE_STARTED, Phase.Pending, text, data);
    }

    /**
     * Parses {@code compose} with the secret and config values and env files that came with it, and applies the
     * runner's host-access rules and what the engine in use cannot run: every problem, or the parsed file with
     * the parser's and the engine's warnings. Stores nothing.
     */
    public ParsedCompose parse(String compose, Map<String, String> images, DeployFiles files) throws ComposeException {
        FileInputs inputs = secrets == null ? new FileInputs(Map.of(), Map.of(), files.envFiles()) : secrets.inputs(files);
        ParsedCompose parsed = parser.parse(compose, images, inputs);
        List<ApiError.Problem> refused = new ArrayList<>(hostAccess.check(parsed.spec()));
        refused.addAll(fit.refusals(parsed.spec(), sizes(files)));
        if (!refused.isEmpty()) {
            throw new ComposeException(refused);
        }
        List<String> engineWarnings = fit.warnings(parsed.spec());
        if (engineWarnings.isEmpty()) {
            return parsed;
        }
        List<String> warnings = new ArrayList<>(parsed.warnings());
        warnings.addAll(engineWarnings);
        return new ParsedCompose(parsed.spec(), warnings);
    }

    /** The size of each mounted value: as it came with the deploy, or an inline config's content. */
    private static FileSizes sizes(DeployFiles files) {
        return mount -> {
            byte[] value = (mount.kind() == FileMount.Kind.SECRET ? files.secrets() : files.configs()).get(mount.source());
            if (value != null) {
                return value.length;
            }
            return mount.content() == null ? 0 : mount.content().getBytes(StandardCharsets.UTF_8).length;
        };
    }

    private AppSpec currentSpecOf(RevisionRecord current, String app) {
        return current == null ? null : specs.spec(app, current.revision()).orElse(null);
    }

    /** The changes in {@code depends_on} order; removed services last. */
    private static List<ServiceChange> inStartOrder(AppSpec spec, List<ServiceChange> changes) {
        Map<String, ServiceChange> byService = new LinkedHashMap<>();
        changes.forEach(ch -> byService.put(ch.service(), ch));
        List<ServiceChange> out = new ArrayList<>();
        for (String service : StartOrder.of(spec.services(), byService.keySet())) {
            out.add(byService.remove(service));
        }
        out.addAll(byService.values());
        return out;
    }

    /**
     * For the release's first event: the order services start in and what each waits for, and which volume
     * rule applies to each service that has one, the engine's included ({@link EngineFit#rules}).
     */
    private String orderAndRules(AppSpec spec, List<ServiceChange> changes, Map<String, String> engineRules) {
        StringBuilder b = new StringBuilder();
        List<String> order = changes.stream().filter(ch -> ch.toRevision() != null).map(ServiceChange::service).toList();
        if (order.size() > 1) {
            b.append("; start order: ").append(String.join(", ", order));
        }
        for (String service : order) {
            ServiceSpec s = spec.services().get(service);
            s.wiring().dependsOn().forEach((dependency, d) -> {
                if (order.contains(dependency)) {
                    b.append("; ").append(service).append(" waits for ").append(dependency).append(" (")
                            .append(d.condition().composeName()).append(')');
                }
            });
        }
        for (String service : order) {
            String rule = RevisionOverlap.rule(spec.services().get(service));
            if (rule != null) {
                b.append("; ").append(rule);
            }
            if (engineRules.containsKey(service)) {
                b.append("; ").append(engineRules.get(service));
            }
        }
        return b.toString();
    }

    /**
     * Fixed host ports of {@code spec} that another app of this runner publishes, or that something outside the
     * runner holds. A port this app's current revision publishes is its own: the release stops the old replica
     * first.
     */
    private List<ApiError.Problem> hostPortsTaken(java.sql.Connection c, String app, AppSpec spec, AppSpec current)
            throws java.sql.SQLException {
        Map<Integer, String> used = new LinkedHashMap<>();
        for (AppRecord other : apps.all(c)) {
            if (other.name().equals(app)) {
                continue;
            }
            for (ReplicaSet set : apps.replicaSets(c, other.name())) {
                specs.service(other.name(), set.revision(), set.service()).ifPresent(s -> s.wiring().published()
                        .forEach(p -> used.put(p.hostPort(), "app " + other.name() + " service " + set.service())));
            }
        }
        java.util.Set<Integer> own = new java.util.HashSet<>();
        if (current != null) {
            current.services().values().forEach(s -> s.wiring().published().forEach(p -> own.add(p.hostPort())));
        }
        List<ApiError.Problem> problems = new ArrayList<>();
        for (ServiceSpec s : spec.services().values()) {
            for (var p : s.wiring().published()) {
                String holder = used.get(p.hostPort());
                if (holder == null && !own.contains(p.hostPort()) && !HostPorts.free(hostAccess.publishAddress(), p)) {
                    holder = "another process on " + hostAccess.publishAddress();
                }
                if (holder != null) {
                    problems.add(new ApiError.Problem("services." + s.name() + ".ports",
                            "service " + s.name() + ": host port " + p.hostPort() + " is already taken by " + holder));
                }
            }
        }
        return problems;
    }

    /** Route ports of {@code spec} that another app of this runner already listens on (or is releasing onto). */
    private List<ApiError.Problem> routePortsTaken(java.sql.Connection c, String app, AppSpec spec)
            throws java.sql.SQLException {
        Map<Integer, String> used = new LinkedHashMap<>();
        for (AppRecord other : apps.all(c)) {
            if (other.name().equals(app)) {
                continue;
            }
            for (ReplicaSet set : apps.replicaSets(c, other.name())) {
                specs.service(other.name(), set.revision(), set.service())
                        .filter(s -> s.route() != null)
                        .ifPresent(s -> used.put(s.route().port(), "app " + other.name() + " service " + set.service()));
            }
        }
        List<ApiError.Problem> problems = new ArrayList<>();
        for (ServiceSpec s : spec.services().values()) {
            if (s.route() != null && used.containsKey(s.route().port())) {
                problems.add(new ApiError.Problem("services." + s.name() + ".x-slipway.route.port",
                        "port " + s.route().port() + " is already the route of " + used.get(s.route().port())));
            }
        }
        return problems;
    }

    /**
     * What tells whether a service changed, by service. A {@code depends_on} with {@code restart: true} makes the
     * dependency's hash part of its dependant's: a revision that changes the dependency changes the dependant too,
     * so the release replaces (restarts) it right after the dependency, in start order.
     */
    private static Map<String, String> serviceHashes(AppSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : StartOrder.of(spec.services(), spec.services().keySet())) {
            ServiceSpec s = spec.services().get(name);
            // A service kept running at fixed replicas hashes as it did before one-shot services, autoscaling and
            // x-slipway.kubernetes existed, so that upgrading the runner starts no release of an unchanged file.
            String described = s.kubernetes() == null ? s.toString().replace(", kubernetes=null]", "]") : s.toString();
            String plain = s.autoscale() == null ? described.replace(", autoscale=null]", "]") : described;
            StringBuilder text = new StringBuilder(s.oneShot() == null ? plain.replace(", oneShot=null]", "]") : plain);
            s.wiring().dependsOn().forEach((dependency, d) -> {
                if (d.restart() && out.containsKey(dependency)) {
                    text.append(" restarts with ").append(dependency).append(' ').append(out.get(dependency));
                }
            });
            out.put(name, hash(text.toString()));
        }
        return out;
    }

    private static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
