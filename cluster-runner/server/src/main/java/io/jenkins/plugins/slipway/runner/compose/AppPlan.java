package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the runner would do with a Compose file, for {@code POST /api/v1/validate}: the services with their
 * strategy, replicas, networks, ports, mounts and dependencies, the app's networks and volumes, the names of its
 * secrets and configs (never their values), the start order, and every key of the file either honoured or
 * ignored (with why). Nothing is created to make it.
 *
 * @param honoured every key path of the file the runner acts on
 * @param ignored  the keys it ignores, as "path: why"
 */
public record AppPlan(String app, List<Service> services, Map<String, Network> networks,
                      Map<String, Volume> volumes, List<String> secrets, List<String> configs,
                      List<String> startOrder, List<String> honoured, List<String> ignored) {

    /**
     * One service as it would run.
     *
     * @param runs null for a service kept running; when a one-shot service runs
     */
    public record Service(String name, String image, int replicas, String strategy, String updateOrder,
                          String volumeRule, Map<String, List<String>> networks, List<String> ports,
                          List<String> mounts, Map<String, String> dependsOn, String runs) {
    }

    /** A network of the app; {@code external} ones are looked for, not created. */
    public record Network(String driver, boolean internal, boolean external, String name) {
    }

    /** A named volume of the app; created once, kept until the app is deleted with its volumes. */
    public record Volume(String driver, boolean external, String name) {
    }

    /** The plan of a file that {@link ComposeParser} accepted. */
    public static AppPlan of(String app, String yaml, ParsedCompose parsed) {
        return of(app, yaml, parsed, Map.of());
    }

    /**
     * @param engineRules what the engine in use adds to a service's volume rule, by service (a service it runs as
     *                    one replica only, and why)
     */
    public static AppPlan of(String app, String yaml, ParsedCompose parsed, Map<String, String> engineRules) {
        AppSpec spec = parsed.spec();
        List<Service> services = new ArrayList<>();
        for (ServiceSpec s : spec.services().values()) {
            Map<String, List<String>> networks = new LinkedHashMap<>();
            s.wiring().networks().forEach((key, aliases) -> {
                List<String> names = new ArrayList<>(List.of(s.name()));
                aliases.stream().filter(a -> !names.contains(a)).forEach(names::add);
                networks.put(key, names);
            });
            List<String> ports = new ArrayList<>();
            s.wiring().published().forEach(p -> ports.add((p.hostIp() == null ? "" : p.hostIp() + ":") + p.hostPort()
                    + "->" + p.containerPort() + "/" + p.protocol()));
            if (s.route() != null) {
                ports.add("route " + s.route().port() + "->" + s.route().targetPort());
            }
            List<String> mounts = s.wiring().mounts().stream().map(m -> switch (m.type()) {
                case VOLUME -> (m.source() == null ? "anonymous volume" : "volume " + m.source()) + " at " + m.target();
                case BIND -> "host path " + m.source() + " at " + m.target();
                case TMPFS -> "tmpfs at " + m.target();
            } + (m.readOnly() ? " (read-only)" : "")).toList();
            Map<String, String> dependsOn = new LinkedHashMap<>();
            s.wiring().dependsOn().forEach((d, dep) -> dependsOn.put(d, dep.condition().composeName()
                    + (dep.required() ? "" : ", optional") + (dep.restart() ? ", restart" : "")));
            services.add(new Service(s.name(), s.image(), s.replicas(), s.release().strategy(),
                    s.updateConfig().order() == ServiceSpec.UpdateConfig.Order.STOP_FIRST ? "stop-first" : "start-first",
                    volumeRule(RevisionOverlap.rule(s), engineRules.get(s.name())), networks, ports, mounts,
                    dependsOn, runs(s)));
        }
        Map<String, Network> networks = new LinkedHashMap<>();
        spec.resources().networks().forEach((k, n) -> networks.put(k,
                new Network(n.driver() == null ? "engine default" : n.driver(), n.internal(), n.external(), n.name())));
        Map<String, Volume> volumes = new LinkedHashMap<>();
        spec.resources().volumes().forEach((k, v) -> volumes.put(k,
                new Volume(v.driver() == null ? "engine default" : v.driver(), v.external(), v.name())));
        JsonNode root = tree(yaml);
        List<String> ignored = parsed.warnings();
        return new AppPlan(app, services, networks, volumes, names(root.get("secrets")), names(root.get("configs")),
                StartOrder.of(spec.services(), spec.services().keySet()), honoured(root, ignored), ignored);
    }

    private static String volumeRule(String release, String engine) {
        if (release == null || engine == null) {
            return release == null ? engine : release;
        }
        return release + "; " + engine;
    }

    /** When a one-shot service runs; null for a service kept running. */
    private static String runs(ServiceSpec s) {
        if (s.oneShot() == null) {
            return null;
        }
        String timeout = ", timeout " + io.jenkins.plugins.slipway.runner.release.spec.Durations.human(s.oneShot().timeout());
        return switch (s.oneShot().when()) {
            case BEFORE_RELEASE -> "once per release as a task, before any traffic shifts (beforeRelease" + timeout + ")";
            case AFTER_RELEASE -> "once per release as a task, after the new revision carries all the traffic"
                    + " (afterRelease" + timeout + ")";
            case BEFORE_DEPENDANTS -> "once per release as a task, before any traffic shifts and before its dependants"
                    + " start (service_completed_successfully" + timeout + ")";
        };
    }

    private static JsonNode tree(String yaml) {
        try {
            return ComposeYaml.read(ComposeYaml.mapper(), yaml);
        } catch (IOException e) {
            throw new IllegalStateException("a file the parser accepted no longer reads: " + e.getMessage(), e);
        }
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n != null && n.isObject()) {
            n.fieldNames().forEachRemaining(out::add);
        }
        return out;
    }

    /** Keys of the file, two levels into each service (and into deploy and x-slipway), that are not ignored. */
    private static List<String> honoured(JsonNode root, List<String> ignored) {
        List<String> paths = new ArrayList<>();
        root.fieldNames().forEachRemaining(paths::add);
        JsonNode services = root.path("services");
        services.fieldNames().forEachRemaining(name -> {
            JsonNode s = services.get(name);
            s.fieldNames().forEachRemaining(key -> {
                String path = "services." + name + "." + key;
                paths.add(path);
                if (Set.of("deploy", "x-slipway").contains(key) && s.get(key).isObject()) {
                    s.get(key).fieldNames().forEachRemaining(sub -> paths.add(path + "." + sub));
                }
            });
        });
        return paths.stream().filter(p -> ignored.stream().noneMatch(w -> w.startsWith(p + ":"))).toList();
    }
}
