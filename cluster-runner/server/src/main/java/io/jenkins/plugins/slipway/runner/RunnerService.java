package io.jenkins.plugins.slipway.runner;

import io.jenkins.plugins.slipway.runner.access.AccessPolicy;
import io.jenkins.plugins.slipway.runner.access.ApiTokens;
import io.jenkins.plugins.slipway.runner.access.AppPattern;
import io.jenkins.plugins.slipway.runner.access.Role;
import io.jenkins.plugins.slipway.runner.analysis.WebhookPolicy;
import io.jenkins.plugins.slipway.runner.api.ApiServer;
import io.jenkins.plugins.slipway.runner.audit.AuditLog;
import io.jenkins.plugins.slipway.runner.autoscale.Autoscaler;
import io.jenkins.plugins.slipway.runner.autoscale.ResourceSamples;
import io.jenkins.plugins.slipway.runner.api.Endpoints;
import io.jenkins.plugins.slipway.runner.api.ServerOptions;
import io.jenkins.plugins.slipway.runner.compose.HostAccess;
import io.jenkins.plugins.slipway.runner.compose.SpecCache;
import io.jenkins.plugins.slipway.runner.engine.Engine;
import io.jenkins.plugins.slipway.runner.release.hooks.ReleaseHooks;
import io.jenkins.plugins.slipway.runner.engine.container.ContainerEngine;
import io.jenkins.plugins.slipway.runner.engine.docker.DockerContainers;
import io.jenkins.plugins.slipway.runner.engine.kubernetes.KubernetesAccess;
import io.jenkins.plugins.slipway.runner.engine.kubernetes.KubernetesEngine;
import io.jenkins.plugins.slipway.runner.engine.swarm.SwarmEngine;
import io.jenkins.plugins.slipway.runner.events.EventLog;
import io.jenkins.plugins.slipway.runner.mesh.InternalRouting;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedState;
import io.jenkins.plugins.slipway.runner.reconcile.Reconciler;
import io.jenkins.plugins.slipway.runner.release.Deployer;
import io.jenkins.plugins.slipway.runner.release.EngineFit;
import io.jenkins.plugins.slipway.runner.release.ReleaseController;
import io.jenkins.plugins.slipway.runner.release.AnalysisRuns;
import io.jenkins.plugins.slipway.runner.release.ReleaseCommands;
import io.jenkins.plugins.slipway.runner.release.Strategies;
import io.jenkins.plugins.slipway.runner.release.bluegreen.BlueGreenStrategy;
import io.jenkins.plugins.slipway.runner.release.canary.CanaryStrategy;
import io.jenkins.plugins.slipway.runner.routing.Router;
import io.jenkins.plugins.slipway.runner.routing.Routers;
import io.jenkins.plugins.slipway.runner.secrets.SecretStore;
import io.jenkins.plugins.slipway.runner.store.AppRepository;
import io.jenkins.plugins.slipway.runner.store.DataDisk;
import io.jenkins.plugins.slipway.runner.store.Database;
import io.jenkins.plugins.slipway.runner.store.ReleaseRecord;
import io.jenkins.plugins.slipway.runner.store.ReleaseRepository;
import io.jenkins.plugins.slipway.runner.tasks.Tasks;
import io.jenkins.plugins.slipway.runner.traffic.ActualWeights;
import io.jenkins.plugins.slipway.runner.traffic.RouteSync;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running service: store, engine, router, reconciler, release controller and API, wired together. */
public final class RunnerService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunnerService.class);

    /**
     * @param host     address of the API and the routes (loopback unless configured otherwise)
     * @param port     API port
     * @param dataDir  database (with the tokens' hashes) lives here
     * @param initialToken the first admin token, asked for only when the database holds no token yet
     * @param engine   engine name: {@code docker}
     * @param server   how the API listens (TLS, limits); its host and port are those above
     * @param webhooks where webhook analyses may send requests ({@code serve --webhook-allow})
     * @param hostAccess what Compose files may ask of the host, and where their host ports are published
     * @param taskRetention how long a task's exit code and log are kept after it ended ({@code serve --task-retention})
     * @param kubernetes how the {@code kubernetes} engine reaches its cluster
     */
    public record Options(String host, int port, Path dataDir, InitialToken initialToken, String engine,
                          String dockerHost, ServerOptions server, WebhookPolicy webhooks, HostAccess hostAccess,
                          Duration taskRetention, KubernetesAccess kubernetes) {
        /**
         * Options with the default host access (no bind mount, nothing privileged, ports on loopback), tasks kept an
         * hour, and a cluster found as kubectl finds it.
         */
        public Options(String host, int port, Path dataDir, InitialToken initialToken, String engine,
                       String dockerHost, ServerOptions server, WebhookPolicy webhooks) {
            this(host, port, dataDir, initialToken, engine, dockerHost, server, webhooks, HostAccess.DEFAULT,
                    Duration.ofHours(1), new KubernetesAccess(null, null, null));
        }
    }

    /** Where the first admin token comes from (generated or read from a file); never logged. */
    @FunctionalInterface
    public interface InitialToken {
        String obtain() throws IOException;
    }

    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private ApiServer api;

    public void start(Options o) throws Exception {
        long t0 = System.nanoTime();
        Database db = Database.open(o.dataDir());
        closeables.push(db);
        ApiTokens tokens = ApiTokens.load(db);
        if (tokens.isEmpty()) {
            adoptInitialToken(tokens, o.initialToken());
        }
        SecretStore secrets = SecretStore.open(o.dataDir());
        Engine engine = engine(o, runnerId(o.dataDir()), db, secrets);
        closeables.push(engine);
        // The router is on every request of every app: no leak-detection sampling on its path (see the method).
        Routers.leakDetectionOffUnlessAsked();
        Router router = Routers.netty();
        closeables.push(router);
        AppRepository apps = new AppRepository();
        ReleaseRepository releases = new ReleaseRepository();
        SpecCache specs = new SpecCache(db, apps, secrets);
        ObservedState observed = new ObservedState();
        EventLog events = new EventLog(db, releases);
        InternalRouting internal = new InternalRouting(engine::networkAddresses, InternalRouting.DNS_PORT);
        closeables.push(internal);
        RouteSync routes = new RouteSync(router, specs, o.host(), internal);
        if (engine instanceof KubernetesEngine kubernetes) {
            routes.use(kubernetes.gatewayApiRouter());
        }
        Reconciler reconciler = new Reconciler(db, apps, specs, engine, observed, routes);
        closeables.push(reconciler);
        Strategies strategies = Strategies.defaults();
        ReleaseCommands commands = new ReleaseCommands();
        AnalysisRuns analyses = new AnalysisRuns(router, events, o.webhooks());
        closeables.push(analyses);
        strategies.register(new CanaryStrategy(analyses, routes));
        strategies.register(new BlueGreenStrategy(analyses, routes));
        Tasks tasks = new Tasks(engine, o.taskRetention(), Clock.systemUTC());
        closeables.push(tasks);
        ReleaseController controller = new ReleaseController(db, apps, releases, specs, observed, events, reconciler,
                routes, strategies, commands, analyses, new ReleaseHooks(tasks));
        closeables.push(controller);
        Deployer deployer = new Deployer(db, apps, releases, specs, events, strategies, o.hostAccess(), secrets,
                EngineFit.of(engine));
        ActualWeights actualWeights = new ActualWeights(routes);
        Autoscaler autoscaler = new Autoscaler(db, apps, releases, specs, observed, routes, reconciler, events,
                controller::resize, ResourceSamples.of(engine));
        closeables.push(autoscaler);
        // A request held on the route of a service at zero wakes it (scale to zero).
        routes.router().onHeld(autoscaler::wake);
        closeables.push(actualWeights);
        AuditLog audit = new AuditLog(db);
        AccessPolicy access = new AccessPolicy(tokens, audit,
                id -> db.tx(c -> releases.find(c, id)).map(ReleaseRecord::app));
        api = new ApiServer(o.server(), access);
        api.beforeChange(new DataDisk(o.dataDir(), DataDisk.RESERVE_BYTES)::requireRoom);
        Endpoints.install(api, db, apps, releases, specs, observed, events, routes, deployer, controller, reconciler,
                actualWeights, tokens, audit, tasks, autoscaler);
        closeables.push(api);
        // Before any release pass: a hook's task must not be taken for one a previous run left behind.
        tasks.start();
        reconciler.start();
        controller.start();
        autoscaler.start();
        api.start();
        LOG.info("Slipway runner listening on {}://{}:{} (engine {}, data {}) in {} ms", o.server().scheme(), o.host(),
                api.port(),
                engine.name(), o.dataDir(), (System.nanoTime() - t0) / 1_000_000);
    }

    private static void adoptInitialToken(ApiTokens tokens, InitialToken initial) throws IOException {
        try {
            tokens.adopt("admin", initial.obtain(), Role.ADMIN, List.of(AppPattern.ANY));
        } catch (ApiTokens.NameTaken e) {
            throw new IllegalStateException("an empty token table has a token named admin", e);
        }
        LOG.info("Stored the hash of the first admin token, named admin");
    }

    /** The runner's stable identity, kept in the data dir: the replicas it owns carry it as a label. */
    private static String runnerId(Path dataDir) throws IOException {
        Path file = dataDir.resolve("runner-id");
        if (java.nio.file.Files.exists(file)) {
            return java.nio.file.Files.readString(file).trim();
        }
        byte[] bytes = new byte[6];
        new java.security.SecureRandom().nextBytes(bytes);
        String id = java.util.HexFormat.of().formatHex(bytes);
        java.nio.file.Files.writeString(file, id + "\n");
        return id;
    }

    /**
     * The engine: the local Docker daemon, whose containers the runner supervises itself (replicas publish their
     * ports on loopback, where the router in this process reaches them), or a Docker Swarm manager, whose
     * scheduler runs the replica sets as services (their tasks publish host-mode ports on their nodes' addresses).
     */
    private static Engine engine(Options o, String runnerId, Database db, SecretStore secrets) {
        switch (o.engine()) {
            case "docker" -> {
                DockerContainers docker = new DockerContainers(o.dockerHost(), "127.0.0.1");
                docker.ping();
                return new ContainerEngine(runnerId, docker, db, o.hostAccess().publishAddress(), secrets);
            }
            case "swarm" -> {
                SwarmEngine swarm = new SwarmEngine(runnerId, o.dockerHost(), secrets);
                try {
                    swarm.requireManager();
                } catch (RuntimeException e) {
                    swarm.close();
                    throw e;
                }
                return swarm;
            }
            case "kubernetes" -> {
                return kubernetes(o.kubernetes(), runnerId, secrets);
            }
            default -> throw new IllegalArgumentException("unknown engine " + o.engine()
                    + "; available: docker, swarm, kubernetes");
        }
    }

    /**
     * The Kubernetes engine: Deployments in the namespace of {@code access}; the router reaches pods at their IPs,
     * so the runner runs in the cluster (or on a network that routes pod IPs).
     */
    private static Engine kubernetes(KubernetesAccess access, String runnerId, SecretStore secrets) {
        KubernetesClient client = access.connect();
        try {
            KubernetesEngine engine = new KubernetesEngine(client, runnerId, secrets);
            LOG.info("Kubernetes engine: namespace {} at {}", engine.namespace(), client.getMasterUrl());
            return engine;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    public int port() {
        return api.port();
    }

    @Override
    public void close() {
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                LOG.debug("Closing: {}", e.toString());
            }
        }
    }
}
