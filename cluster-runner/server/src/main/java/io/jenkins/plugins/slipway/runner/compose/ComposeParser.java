package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.release.spec.Durations;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpecParser;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a Compose file into an {@link AppSpec}. Every problem is collected with its field path before the
 * file is refused, so a user fixes them all in one go; keys outside the supported subset become warnings.
 */
public final class ComposeParser {
    /** Most replicas of one service: as many as {@code POST /scale} allows. */
    static final int MAX_REPLICAS = 100;
    /** Longest duration any Compose key takes (a year); longer ones are typing mistakes or overflow attempts. */
    static final Duration MAX_DURATION = Duration.ofDays(365);
    private static final double MAX_CPUS = 1024;
    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._/:@+-]{0,510}");
    private static final ObjectMapper YAML = ComposeYaml.mapper();
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");

    private static final Set<String> TOP = union(Set.of("services", "x-slipway", "networks", "volumes"), FileMounts.TOP_KEYS);
    private static final Set<String> SERVICE = union(Set.of("image", "command", "entrypoint", "environment", "ports",
            "healthcheck", "labels", "deploy", "stop_grace_period", "x-slipway",
            "networks", "expose", "container_name", "volumes", "tmpfs", "read_only", "depends_on", "restart", "user",
            "working_dir", "hostname", "domainname", "extra_hosts", "dns", "dns_search", "init", "stop_signal",
            "ulimits", "shm_size", "logging", "cap_drop", "privileged", "cap_add", "devices", "security_opt",
            "sysctls", "pid", "ipc", "network_mode", "build"), FileMounts.SERVICE_KEYS);
    private static final Set<String> DEPLOY = Set.of("replicas", "resources", "restart_policy", "update_config",
            "placement", "mode");
    private static final Set<String> HEALTH = Set.of("test", "interval", "timeout", "retries", "start_period", "disable");
    private static final Set<String> RESTART = Set.of("condition", "delay", "max_attempts", "window");
    private static final Set<String> UPDATE = Set.of("parallelism", "delay", "order", "failure_action", "monitor");
    private static final Set<String> XSLIPWAY = Set.of("route", "release", "sharedVolumes", "task", "autoscale",
            "kubernetes");
    private static final Set<String> ROUTE = Set.of("port", "targetPort", "healthPath", "healthTimeout");
    /**
     * A reconcile pass waits for its readiness probes before it acts, so one hanging replica with a long probe
     * timeout would hold back the replacement of every app's dead replicas that long.
     */
    static final Duration MAX_HEALTH_TIMEOUT = Duration.ofSeconds(10);

    private final Set<String> strategies;

    /** A parser accepting only rolling releases. */
    public ComposeParser() {
        this(Set.of(io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec.ROLLING));
    }

    /** A parser accepting the release strategies the runner has ({@code x-slipway.release.strategy}). */
    public ComposeParser(Set<String> strategies) {
        this.strategies = Set.copyOf(strategies);
    }

    /** Parses and validates {@code yaml}; {@code images} overrides a service's {@code image}. */
    public ParsedCompose parse(String yaml, Map<String, String> images) throws ComposeException {
        return parse(yaml, images, FileInputs.NONE);
    }

    /**
     * Parses and validates {@code yaml}; {@code images} overrides a service's {@code image}, {@code inputs} says
     * which secret and config values and env files came with the deploy.
     */
    public ParsedCompose parse(String yaml, Map<String, String> images, FileInputs inputs) throws ComposeException {
        Problems p = new Problems();
        JsonNode root;
        try {
            root = yaml == null ? null : ComposeYaml.read(YAML, yaml);
        } catch (ComposeYaml.AliasException e) {
            throw new ComposeException(List.of(new ApiError.Problem(e.path(), e.getMessage())));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr();
            throw new ComposeException(List.of(new ApiError.Problem("compose",
                    "is not valid YAML" + where + ": " + printable(e.getOriginalMessage()))));
        } catch (IOException | org.yaml.snakeyaml.error.YAMLException e) {
            throw new ComposeException(List.of(new ApiError.Problem("compose",
                    "is not valid YAML: " + printable(String.valueOf(e.getMessage())))));
        }
        if (root == null || !root.isObject()) {
            throw new ComposeException(List.of(new ApiError.Problem("compose", "must be a YAML mapping with a services: key")));
        }
        unknownKeys(root, "", TOP, p, ComposeKeys.TOP_IGNORED, ComposeKeys.TOP_REFUSED);
        FileSources files = FileMounts.sources(root, inputs, p);
        JsonNode services = root.get("services");
        Map<String, ServiceSpec> specs = new LinkedHashMap<>();
        if (services == null || !services.isObject() || services.isEmpty()) {
            p.error("services", "must be a mapping with at least one service");
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ServiceSpec s = service(e.getKey(), e.getValue(), images, p, root, files, inputs);
                if (s != null) {
                    specs.put(e.getKey(), s);
                }
            }
        }
        if (images != null) {
            for (String svc : images.keySet()) {
                if (services != null && !services.has(svc)) {
                    p.error("images." + svc, "names no service of the Compose file");
                }
            }
        }
        routePortsDistinct(specs, p);
        WiringReader wiring = new WiringReader(p);
        AppResources resources = wiring.resources(root, specs);
        Set<String> declared = new java.util.HashSet<>();
        if (services != null) {
            services.fieldNames().forEachRemaining(declared::add);
        }
        wiring.check(specs, resources, declared);
        if (services != null) {
            specs = new OneShotReader(p).apply(specs, services);
        }
        autoscaledServicesRouted(specs, p);
        if (!p.errors.isEmpty()) {
            throw new ComposeException(p.errors);
        }
        return new ParsedCompose(new AppSpec(specs, resources, files), p.warnings);
    }

    private ServiceSpec service(String name, JsonNode n, Map<String, String> images, Problems p, JsonNode root,
                                FileSources files, FileInputs inputs) {
        String path = "services." + name;
        if (!NAME.matcher(name).matches()) {
            p.error(path, "service name must be lower-case letters, digits, '.', '_' or '-'");
        }
        if (!n.isObject()) {
            p.error(path, "must be a mapping");
            return null;
        }
        unknownKeys(n, path, SERVICE, p, ComposeKeys.SERVICE_IGNORED, ComposeKeys.SERVICE_REFUSED);
        BuildSection.check(name, n, images, p);
        String image = images != null && images.containsKey(name) ? images.get(name) : text(n, "image", path, p);
        if (image == null || image.isBlank()) {
            p.error(path + ".image", "is required (or pass images." + name + ")");
        } else if (!IMAGE.matcher(image).matches()) {
            p.error(images != null && images.containsKey(name) ? "images." + name : path + ".image",
                    "must be an image reference like registry:5000/repo/name:tag or name@sha256:digest, got \""
                    + printable(image) + "\"");
        }
        List<String> command = stringList(n.get("command"), path + ".command", p);
        List<String> entrypoint = stringList(n.get("entrypoint"), path + ".entrypoint", p);
        Map<String, String> env = EnvFiles.environment(name, n.get("env_file"),
                stringMap(n.get("environment"), path + ".environment", p, true), inputs, p);
        Map<String, String> labels = stringMap(n.get("labels"), path + ".labels", p, false);
        for (String key : labels.keySet()) {
            if (key.startsWith("io.slipway.")) {
                p.error(path + ".labels." + key, "the io.slipway. prefix is reserved for the runner");
            }
        }
        List<Integer> ports = ports(n.get("ports"), path + ".ports", p);
        ServiceSpec.Healthcheck health = healthcheck(n.get("healthcheck"), path + ".healthcheck", p);
        Duration grace = duration(n.get("stop_grace_period"), path + ".stop_grace_period", p, Duration.ofSeconds(10));

        int replicas = 1;
        long memory = 0;
        long nanoCpus = 0;
        ServiceSpec.RestartPolicy restart = ServiceSpec.RestartPolicy.DEFAULT;
        ServiceSpec.UpdateConfig update = ServiceSpec.UpdateConfig.DEFAULT;
        JsonNode deploy = n.get("deploy");
        if (deploy != null && mapping(deploy, path + ".deploy", p)) {
            unknownKeys(deploy, path + ".deploy", DEPLOY, p);
            replicas = wholeNumber(deploy.get("replicas"), path + ".deploy.replicas", p, 0, MAX_REPLICAS, 1);
            JsonNode resources = deploy.get("resources");
            if (resources != null && mapping(resources, path + ".deploy.resources", p)) {
                unknownKeys(resources, path + ".deploy.resources", Set.of("limits", "reservations"), p);
                JsonNode limits = resources.get("limits");
                if (limits != null && mapping(limits, path + ".deploy.resources.limits", p)) {
                    unknownKeys(limits, path + ".deploy.resources.limits", Set.of("memory", "cpus"), p);
                    memory = bytes(limits.get("memory"), path + ".deploy.resources.limits.memory", p);
                    nanoCpus = cpus(limits.get("cpus"), path + ".deploy.resources.limits.cpus", p);
                }
            }
            restart = restartPolicy(deploy.get("restart_policy"), path + ".deploy.restart_policy", p);
            deployMode(deploy, path + ".deploy", p);
            update = updateConfig(deploy.get("update_config"), path + ".deploy.update_config", p);
        }
        Placement placement = PlacementReader.read(deploy, path + ".deploy", p);
        ServiceSpec.Route route = null;
        ReleaseSpec release = new ReleaseSpec.Rolling();
        OneShot oneShot = null;
        JsonNode x = n.get("x-slipway");
        Autoscale autoscale = new AutoscaleReader(p).read(x != null && x.isObject() ? x : null, labels, replicas,
                new AutoscaleReader.Limits(nanoCpus, memory), path);
        if (x != null && mapping(x, path + ".x-slipway", p)) {
            unknownKeys(x, path + ".x-slipway", XSLIPWAY, p);
            oneShot = new OneShotReader(p).task(x, path);
            JsonNode r = x.get("route");
            if (r != null && mapping(r, path + ".x-slipway.route", p)) {
                unknownKeys(r, path + ".x-slipway.route", ROUTE, p);
                int port = portNumber(r.get("port"), path + ".x-slipway.route.port", p);
                int target = portNumber(r.get("targetPort"), path + ".x-slipway.route.targetPort", p);
                route = new ServiceSpec.Route(port, target,
                        healthPath(r.get("healthPath"), path + ".x-slipway.route.healthPath", p),
                        healthTimeout(r.get("healthTimeout"), path + ".x-slipway.route.healthTimeout", p));
                if (target > 0 && !ports.contains(target)) {
                    ports = new ArrayList<>(ports);
                    ports.add(target);
                }
            }
            release = ReleaseSpecParser.parse(x.get("release"), path + ".x-slipway.release", p.errors, p.warnings);
            if (!strategies.contains(release.strategy())) {
                p.error(path + ".x-slipway.release.strategy", release.strategy()
                        + " is not available in this runner version yet; use rolling");
            } else if (!(release instanceof ReleaseSpec.Rolling) && route == null) {
                p.warn(path + ".x-slipway.release", release.strategy() + " without x-slipway.route: the service"
                        + " has no traffic to shift; it follows the steps by replicas only");
            }
        }
        ContainerSettingsReader settings = new ContainerSettingsReader(p);
        ServiceSpec.RestartPolicy composeRestart = settings.restart(n, path);
        if (composeRestart != null && !n.path("deploy").has("restart_policy")) {
            restart = composeRestart;
        }
        ServiceWiring wiring = new WiringReader(p).wiring(name, n, path);
        update = RevisionOverlap.apply(path, wiring, update, release, replicas, p);
        KubernetesTrafficReader kubernetes = new KubernetesTrafficReader(p);
        ServiceSpec spec = new ServiceSpec(name, image, command, entrypoint, env, List.copyOf(ports), health, labels,
                replicas, memory, nanoCpus, restart, update, grace, route, release, wiring, settings.settings(n, path),
                FileMounts.mounts(name, n, root, files, inputs, p), placement, oneShot, autoscale,
                kubernetes.read(x != null && x.isObject() ? x : null, path));
        kubernetes.gatewayLimits(spec, path);
        return spec;
    }

    /** The autoscaler measures what the runner's router forwards: a service it sizes runs and takes routed traffic. */
    private static void autoscaledServicesRouted(Map<String, ServiceSpec> specs, Problems p) {
        specs.forEach((name, s) -> {
            if (s.autoscale() == null) {
                return;
            }
            String at = "services." + name + ".x-slipway.autoscale";
            if (s.oneShot() != null) {
                p.error(at, "a task (x-slipway.task, or a dependency completed before its dependants) runs once"
                        + " and cannot be autoscaled");
            } else if (s.route() == null) {
                p.error(at, "needs x-slipway.route: the runner's router measures the service's traffic and sends it"
                        + " to the replicas the autoscaler starts");
            }
        });
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new java.util.HashSet<>(a);
        out.addAll(b);
        return Set.copyOf(out);
    }

    private static void routePortsDistinct(Map<String, ServiceSpec> specs, Problems p) {
        Map<Integer, String> seen = new LinkedHashMap<>();
        for (ServiceSpec s : specs.values()) {
            if (s.route() != null && s.route().port() > 0) {
                String other = seen.putIfAbsent(s.route().port(), s.name());
                if (other != null) {
                    p.error("services." + s.name() + ".x-slipway.route.port",
                            "port " + s.route().port() + " is already the route of service " + other);
                }
            }
        }
        for (ServiceSpec s : specs.values()) {
            if (s.release() instanceof ReleaseSpec.BlueGreen bg && bg.previewPort() != null) {
                String other = seen.putIfAbsent(bg.previewPort(), s.name() + " (preview)");
                if (other != null) {
                    p.error("services." + s.name() + ".x-slipway.release.previewPort",
                            "port " + bg.previewPort() + " is already the route of service " + other);
                }
            }
        }
    }

    private ServiceSpec.Healthcheck healthcheck(JsonNode n, String path, Problems p) {
        if (n == null || !mapping(n, path, p)) {
            return null;
        }
        unknownKeys(n, path, HEALTH, p);
        boolean disabled = n.has("disable") && n.get("disable").asBoolean(false);
        List<String> test = null;
        JsonNode t = n.get("test");
        if (t != null && t.isTextual()) {
            test = List.of("CMD-SHELL", t.asText());
        } else if (t != null && t.isArray()) {
            test = stringList(t, path + ".test", p);
            if (test != null && (test.isEmpty() || !Set.of("CMD", "CMD-SHELL", "NONE").contains(test.get(0)))) {
                p.error(path + ".test", "must start with \"CMD\", \"CMD-SHELL\" or \"NONE\", got " + t.toString());
            }
            if (test != null && !test.isEmpty() && test.get(0).equals("NONE")) {
                disabled = true;
            }
        } else if (t != null) {
            p.error(path + ".test", "must be a string or a list, got " + t.toString());
        } else if (!disabled) {
            p.error(path + ".test", "is required unless disable: true");
        }
        return new ServiceSpec.Healthcheck(test,
                duration(n.get("interval"), path + ".interval", p, Duration.ofSeconds(30)),
                duration(n.get("timeout"), path + ".timeout", p, Duration.ofSeconds(30)),
                wholeNumber(n.get("retries"), path + ".retries", p, 0, 1000, 3),
                duration(n.get("start_period"), path + ".start_period", p, Duration.ZERO), disabled);
    }

    private ServiceSpec.RestartPolicy restartPolicy(JsonNode n, String path, Problems p) {
        if (n == null || !mapping(n, path, p)) {
            return ServiceSpec.RestartPolicy.DEFAULT;
        }
        unknownKeys(n, path, RESTART, p);
        ServiceSpec.RestartPolicy.Condition condition = ServiceSpec.RestartPolicy.Condition.ANY;
        String c = text(n, "condition", path, p);
        if (c != null) {
            switch (c) {
                case "none" -> condition = ServiceSpec.RestartPolicy.Condition.NONE;
                case "on-failure" -> condition = ServiceSpec.RestartPolicy.Condition.ON_FAILURE;
                case "any" -> condition = ServiceSpec.RestartPolicy.Condition.ANY;
                default -> p.error(path + ".condition", "must be one of none, on-failure, any, got \"" + c + "\"");
            }
        }
        return new ServiceSpec.RestartPolicy(condition,
                duration(n.get("delay"), path + ".delay", p, Duration.ofSeconds(1)),
                wholeNumber(n.get("max_attempts"), path + ".max_attempts", p, 0, 1_000_000, 0),
                duration(n.get("window"), path + ".window", p, Duration.ZERO));
    }

    private ServiceSpec.UpdateConfig updateConfig(JsonNode n, String path, Problems p) {
        ServiceSpec.UpdateConfig d = ServiceSpec.UpdateConfig.DEFAULT;
        if (n == null || !mapping(n, path, p)) {
            return d;
        }
        unknownKeys(n, path, UPDATE, p);
        // 0 updates every replica at once, as Swarm reads it.
        int parallelism = wholeNumber(n.get("parallelism"), path + ".parallelism", p, 0, MAX_REPLICAS, d.parallelism());
        ServiceSpec.UpdateConfig.Order order = d.order();
        String o = text(n, "order", path, p);
        if (o != null) {
            switch (o) {
                case "start-first" -> order = ServiceSpec.UpdateConfig.Order.START_FIRST;
                case "stop-first" -> order = ServiceSpec.UpdateConfig.Order.STOP_FIRST;
                default -> p.error(path + ".order", "must be start-first or stop-first, got \"" + o + "\"");
            }
        }
        ServiceSpec.UpdateConfig.FailureAction action = d.failureAction();
        String a = text(n, "failure_action", path, p);
        if (a != null) {
            switch (a) {
                case "rollback" -> action = ServiceSpec.UpdateConfig.FailureAction.ROLLBACK;
                case "pause" -> action = ServiceSpec.UpdateConfig.FailureAction.PAUSE;
                case "continue" -> action = ServiceSpec.UpdateConfig.FailureAction.CONTINUE;
                default -> p.error(path + ".failure_action", "must be rollback, pause or continue, got \"" + a + "\"");
            }
        }
        return new ServiceSpec.UpdateConfig(parallelism,
                duration(n.get("delay"), path + ".delay", p, d.delay()), order, action,
                duration(n.get("monitor"), path + ".monitor", p, d.monitor()));
    }

    static void unknownKeys(JsonNode n, String path, Set<String> known, Problems p) {
        unknownKeys(n, path, known, p, Map.of(), Map.of());
    }

    /**
     * Keys outside {@code known}: those of {@code ignored} change nothing on a runner and are warnings,
     * extension fields ({@code x-...}) are the user's own, and any other is refused, since ignoring it would
     * change what runs without a word.
     */
    private static void unknownKeys(JsonNode n, String path, Set<String> known, Problems p,
                                    Map<String, String> ignored, Map<String, String> refused) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            String where = path.isEmpty() ? key : path + "." + key;
            if (known.contains(key) || key.startsWith("x-")) {
                continue;
            }
            if (ignored.containsKey(key)) {
                p.warn(where, ignored.get(key));
            } else {
                p.error(where, ComposeKeys.refusal(key, refused));
            }
        }
    }

    /**
     * {@code deploy.mode}. Whether {@code deploy.placement} is honoured is the engine's to say
     * ({@link io.jenkins.plugins.slipway.runner.engine.Capabilities#placement()}), once the file is read.
     */
    private static void deployMode(JsonNode deploy, String path, Problems p) {
        JsonNode mode = deploy.get("mode");
        if (mode != null && !"replicated".equals(mode.asText())) {
            p.error(path + ".mode", "only replicated is supported (set deploy.replicas), got " + describe(mode));
        }
    }

    static boolean mapping(JsonNode n, String path, Problems p) {
        if (!n.isObject()) {
            p.error(path, "must be a mapping, got " + describe(n));
            return false;
        }
        return true;
    }

    static String text(JsonNode parent, String key, String path, Problems p) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode() || n.isBoolean()) {
            p.error(path + "." + key, "must be a string, got " + describe(n));
            return null;
        }
        return clean(n.asText(), path + "." + key, p);
    }

    static int wholeNumber(JsonNode n, String path, Problems p, int min, int max, int dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= min && n.asInt() <= max) {
            return n.asInt();
        }
        p.error(path, n.isIntegralNumber() && (!n.canConvertToInt() || n.asInt() > max)
                ? "must be a whole number from " + min + " to " + max + ", got " + describe(n)
                : "must be a whole number >= " + min + ", got " + describe(n));
        return dflt;
    }

    static int portNumber(JsonNode n, String path, Problems p) {
        if (n == null) {
            p.error(path, "is required");
            return 0;
        }
        if (n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 1 && n.asInt() <= 65535) {
            return n.asInt();
        }
        p.error(path, "must be a port number 1-65535, got " + describe(n));
        return 0;
    }

    private static String healthPath(JsonNode n, String path, Problems p) {
        if (n == null || n.isNull()) {
            return ServiceSpec.Route.DEFAULT_HEALTH_PATH;
        }
        if (!n.isTextual() || !n.asText().startsWith("/")) {
            p.error(path, "must be a path starting with /, like /healthz, got " + describe(n));
            return ServiceSpec.Route.DEFAULT_HEALTH_PATH;
        }
        String text = n.asText();
        try {
            // The probe sends it as it is: it must already be a valid, encoded request target.
            URI uri = new URI("http://127.0.0.1" + text);
            if (uri.getRawFragment() != null) {
                p.error(path, "must not have a #fragment (it is never sent), got " + describe(n));
            }
        } catch (URISyntaxException e) {
            p.error(path, "must be a valid URL path (percent-encode spaces and other special characters), got "
                    + describe(n));
        }
        return text;
    }

    private static Duration healthTimeout(JsonNode n, String path, Problems p) {
        if (n == null || n.isNull()) {
            return ServiceSpec.Route.DEFAULT_HEALTH_TIMEOUT;
        }
        Duration d = parseDuration(n);
        if (d == null) {
            p.error(path, "must be a duration like 10s, 1m30s or 500ms, got " + describe(n));
            return ServiceSpec.Route.DEFAULT_HEALTH_TIMEOUT;
        }
        if (d.isZero() || d.isNegative() || d.compareTo(MAX_HEALTH_TIMEOUT) > 0) {
            p.error(path, "must be a duration > 0 and at most " + MAX_HEALTH_TIMEOUT.toSeconds() + "s, got "
                    + describe(n));
            return ServiceSpec.Route.DEFAULT_HEALTH_TIMEOUT;
        }
        return d;
    }

    static Duration duration(JsonNode n, String path, Problems p, Duration dflt) {
        if (n == null || n.isNull()) {
            return dflt;
        }
        Duration d = parseDuration(n);
        if (d == null) {
            p.error(path, "must be a duration like 10s, 1m30s or 500ms, got " + describe(n));
            return dflt;
        }
        if (d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
            p.error(path, "must be a duration from 0 to " + MAX_DURATION.toDays() + " days, got " + describe(n));
            return dflt;
        }
        return d;
    }

    /** Whole seconds or a duration text ({@link Durations}); null when it is neither (or too large). */
    private static Duration parseDuration(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() && Math.abs(n.asLong()) <= Long.MAX_VALUE / 1_000_000_000L
                    ? Duration.ofSeconds(n.asLong()) : null;
        }
        if (!n.isTextual()) {
            return null;
        }
        try {
            return Durations.parse(n.asText());
        } catch (IllegalArgumentException | ArithmeticException e) {
            return null;
        }
    }

    static long bytes(JsonNode n, String path, Problems p) {
        if (n == null || n.isNull()) {
            return 0;
        }
        long b = n.isIntegralNumber() && n.canConvertToLong() ? n.asLong()
                : n.isTextual() ? Sizes.parseBytes(n.asText()) : -1;
        if (b <= 0 || b >= Long.MAX_VALUE / 2) {
            p.error(path, "must be a size like 512m or 1g, got " + describe(n));
            return 0;
        }
        return b;
    }

    static long cpus(JsonNode n, String path, Problems p) {
        if (n == null || n.isNull()) {
            return 0;
        }
        try {
            double v = n.isNumber() ? n.asDouble() : n.isTextual() ? Double.parseDouble(n.asText()) : -1;
            if (v > 0 && v <= MAX_CPUS) {
                return (long) (v * 1e9);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        p.error(path, "must be a number of CPUs > 0 and at most " + (int) MAX_CPUS + ", like 0.5, got " + describe(n));
        return 0;
    }

    static List<String> stringList(JsonNode n, String path, Problems p) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isTextual()) {
            // Compose's string form is split like a shell would, without expansion.
            return List.of(n.asText().trim().split("\\s+"));
        }
        if (!n.isArray()) {
            p.error(path, "must be a string or a list of strings, got " + describe(n));
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isValueNode() || e.isNull()) {
                p.error(path + "[" + i + "]", "must be a string, got " + describe(e));
            } else {
                out.add(clean(e.asText(), path + "[" + i + "]", p));
            }
        }
        return out;
    }

    static Map<String, String> stringMap(JsonNode n, String path, Problems p, boolean listForm) {
        Map<String, String> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                JsonNode v = e.getValue();
                if (!v.isValueNode()) {
                    p.error(path + "." + e.getKey(), "must be a string, got " + describe(v));
                } else {
                    out.put(clean(e.getKey(), path, p), v.isNull() ? "" : clean(v.asText(), path + "." + e.getKey(), p));
                }
            });
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                if (!n.get(i).isValueNode()) {
                    p.error(path + "[" + i + "]", "must be KEY=VALUE, got " + describe(n.get(i)));
                    continue;
                }
                String item = clean(n.get(i).asText(), path + "[" + i + "]", p);
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    p.error(path + "[" + i + "]", "must be KEY=VALUE, got \"" + item + "\"");
                } else {
                    out.put(item.substring(0, eq), item.substring(eq + 1));
                }
            }
        } else {
            p.error(path, "must be a mapping" + (listForm ? " or a list of KEY=VALUE" : "") + ", got " + describe(n));
        }
        return out;
    }

    private static List<Integer> ports(JsonNode n, String path, Problems p) {
        List<Integer> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            p.error(path, "must be a list, got " + describe(n));
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            String ip = path + "[" + i + "]";
            Integer container = null;
            if (e.isIntegralNumber()) {
                container = e.asInt();
            } else if (e.isTextual()) {
                String s = e.asText().replaceAll("/(tcp|udp)$", "");
                String last = s.substring(s.lastIndexOf(':') + 1);
                if (last.matches("\\d{1,5}")) {
                    container = Integer.parseInt(last);
                }
            } else if (e.isObject() && e.path("target").isIntegralNumber()) {
                container = e.get("target").asInt();
            }
            if (container == null || container < 1 || container > 65535) {
                p.error(ip, "must be a container port like 8080, \"8080:80\" or {target: 80}, got " + describe(e));
            } else if (!out.contains(container)) {
                out.add(container);
            }
        }
        return out;
    }

    /** A string the engine can take: no NUL or other control character but tab and newline. */
    private static String clean(String s, String path, Problems p) {
        if (s.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f)) {
            p.error(path, "must not contain NUL or other control characters, got \"" + printable(s) + "\"");
        }
        return s;
    }

    /** {@code s} for a message: control characters escaped, at most 100 characters. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(100).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return s.codePointCount(0, s.length()) > 100 ? b + "..." : b.toString();
    }

    static String describe(JsonNode n) {
        if (n.getNodeType() == JsonNodeType.STRING) {
            return "\"" + printable(n.asText()) + "\"";
        }
        return n.isContainerNode() ? (n.isArray() ? "a list" : "a mapping") : n.toString();
    }
}
