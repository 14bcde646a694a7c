package io.jenkins.plugins.slipway.runner.compose;

import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.describe;
import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.mapping;
import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.stringList;
import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.stringMap;
import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads how services connect: top-level {@code networks} and {@code volumes}, and a service's {@code networks},
 * {@code ports}, {@code expose}, {@code volumes}, {@code tmpfs}, {@code read_only}, {@code container_name} and
 * {@code depends_on}, as the Compose specification defines them. Cross-service rules (networks and volumes that
 * exist, dependencies that exist and form no cycle) are checked by {@link #check}.
 */
final class WiringReader {
    private static final Pattern KEY = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");
    private static final Pattern EXPOSE = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?(?:/(tcp|udp))?");
    private static final Set<String> NETWORK = Set.of("driver", "driver_opts", "internal", "external", "name", "labels",
            "attachable");
    private static final Set<String> VOLUME = Set.of("driver", "driver_opts", "external", "name", "labels");
    private static final Set<String> SERVICE_NETWORK = Set.of("aliases");
    private static final Set<String> LONG_PORT = Set.of("target", "published", "host_ip", "protocol", "mode", "name",
            "app_protocol");
    private static final Set<String> LONG_VOLUME = Set.of("type", "source", "target", "read_only", "tmpfs", "volume",
            "bind", "consistency");
    private static final Set<String> DEPENDENCY = Set.of("condition", "required", "restart");
    private static final int MAX_PORT_RANGE = 100;

    private final Problems p;

    WiringReader(Problems p) {
        this.p = p;
    }

    /** Top-level {@code networks} and {@code volumes}; the default network is added when a service uses it. */
    AppResources resources(JsonNode root, Map<String, ServiceSpec> services) {
        Map<String, AppResources.Network> networks = new LinkedHashMap<>();
        JsonNode n = root.get("networks");
        if (n != null && !n.isNull() && mapping(n, "networks", p)) {
            n.fields().forEachRemaining(e -> networks.put(e.getKey(), network(e.getKey(), e.getValue())));
        }
        boolean defaultUsed = services.values().stream()
                .anyMatch(s -> s.wiring().networks().containsKey(AppResources.DEFAULT_NETWORK));
        if (defaultUsed) {
            networks.putIfAbsent(AppResources.DEFAULT_NETWORK, AppResources.Network.DEFAULT);
        }
        Map<String, AppResources.Volume> volumes = new LinkedHashMap<>();
        JsonNode v = root.get("volumes");
        if (v != null && !v.isNull() && mapping(v, "volumes", p)) {
            v.fields().forEachRemaining(e -> volumes.put(e.getKey(), volume(e.getKey(), e.getValue())));
        }
        return new AppResources(networks, volumes);
    }

    private AppResources.Network network(String key, JsonNode n) {
        String path = "networks." + key;
        key(key, path);
        if (absent(n)) {
            return AppResources.Network.DEFAULT;
        }
        if (!mapping(n, path, p)) {
            return AppResources.Network.DEFAULT;
        }
        refuseOthers(n, path, NETWORK, "the engine chooses addresses and IP versions itself");
        if (n.has("attachable")) {
            p.warn(path + ".attachable", "ignored: every network of the app is attachable by the app's replicas only");
        }
        boolean external = external(n, path);
        return new AppResources.Network(text(n, "driver", path, p), stringMap(n.get("driver_opts"), path + ".driver_opts", p, false),
                flag(n, "internal", path), external, text(n, "name", path, p),
                stringMap(n.get("labels"), path + ".labels", p, true));
    }

    private AppResources.Volume volume(String key, JsonNode n) {
        String path = "volumes." + key;
        key(key, path);
        if (absent(n)) {
            return new AppResources.Volume(null, Map.of(), false, null, Map.of());
        }
        if (!mapping(n, path, p)) {
            return new AppResources.Volume(null, Map.of(), false, null, Map.of());
        }
        refuseOthers(n, path, VOLUME, "not part of a Compose volume definition the runner knows");
        boolean external = external(n, path);
        return new AppResources.Volume(text(n, "driver", path, p), stringMap(n.get("driver_opts"), path + ".driver_opts", p, false),
                external, text(n, "name", path, p), stringMap(n.get("labels"), path + ".labels", p, true));
    }

    /** {@code external: true}, or the old {@code external: {name: x}}, whose name then becomes {@code name}. */
    private boolean external(JsonNode n, String path) {
        JsonNode e = n.get("external");
        if (e == null || e.isNull()) {
            return false;
        }
        if (e.isBoolean()) {
            if (e.asBoolean() && (n.has("driver") || n.has("driver_opts"))) {
                p.error(path + ".external", "an external one is not created, so driver and driver_opts cannot apply");
            }
            return e.asBoolean();
        }
        p.error(path + ".external", "must be true or false (give the engine's name with name:), got " + describe(e));
        return false;
    }

    /** A service's wiring; {@code serviceName} is its key in {@code services}. */
    ServiceWiring wiring(String serviceName, JsonNode n, String path) {
        Map<String, List<String>> networks = serviceNetworks(n, path);
        String containerName = text(n, "container_name", path, p);
        if (containerName != null) {
            if (!KEY.matcher(containerName).matches()) {
                p.error(path + ".container_name", "must be letters, digits, '.', '_' or '-', got \"" + containerName + "\"");
            }
            p.warn(path + ".container_name", "kept as a name the service answers to on its networks; its containers"
                    + " keep the runner's names (one per replica and revision)");
            networks.replaceAll((k, aliases) -> {
                List<String> withName = new ArrayList<>(aliases);
                if (!withName.contains(containerName)) {
                    withName.add(containerName);
                }
                return withName;
            });
        }
        List<ServiceWiring.PublishedPort> published = published(n.get("ports"), path + ".ports");
        List<Integer> expose = expose(n.get("expose"), path + ".expose");
        List<ServiceWiring.Mount> mounts = new ArrayList<>(mounts(n.get("volumes"), path + ".volumes"));
        mounts.addAll(tmpfs(n.get("tmpfs"), path + ".tmpfs"));
        boolean readOnly = flag(n, "read_only", path);
        Map<String, ServiceWiring.Dependency> dependsOn = dependsOn(serviceName, n.get("depends_on"), path + ".depends_on");
        boolean shared = false;
        JsonNode x = n.get("x-slipway");
        if (x != null && x.isObject() && x.has("sharedVolumes")) {
            shared = flag(x, "sharedVolumes", path + ".x-slipway");
        }
        return new ServiceWiring(networks, expose, published, mounts, readOnly, dependsOn, shared);
    }

    private Map<String, List<String>> serviceNetworks(JsonNode service, String path) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        JsonNode n = service.get("networks");
        String mode = service.path("network_mode").asText(null);
        if (n == null || n.isNull()) {
            if (mode == null) {
                out.put(AppResources.DEFAULT_NETWORK, List.of());
            }
            return out;
        }
        if (mode != null) {
            p.error(path + ".networks", "cannot be used with network_mode");
            return out;
        }
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (!e.isTextual()) {
                    p.error(path + ".networks[" + i + "]", "must be a network name, got " + describe(e));
                } else {
                    out.put(e.asText(), List.of());
                }
            }
        } else if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                String npath = path + ".networks." + e.getKey();
                JsonNode v = e.getValue();
                List<String> aliases = List.of();
                if (!absent(v) && mapping(v, npath, p)) {
                    refuseOthers(v, npath, SERVICE_NETWORK, "replicas get their addresses from the engine (a fixed"
                            + " address cannot be shared by several replicas and revisions)");
                    List<String> a = stringList(v.get("aliases"), npath + ".aliases", p);
                    aliases = a == null ? List.of() : a;
                    for (String alias : aliases) {
                        if (!KEY.matcher(alias).matches()) {
                            p.error(npath + ".aliases", "\"" + alias + "\" is not a host name");
                        }
                    }
                }
                out.put(e.getKey(), aliases);
            });
        } else {
            p.error(path + ".networks", "must be a list or a mapping of network names, got " + describe(n));
        }
        return out;
    }

    /** The {@code ports} entries with a host port; those without one are read by the parser as before. */
    private List<ServiceWiring.PublishedPort> published(JsonNode n, String path) {
        List<ServiceWiring.PublishedPort> out = new ArrayList<>();
        if (n == null || !n.isArray()) {
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            String ip = path + "[" + i + "]";
            if (e.isTextual()) {
                shortPort(e.asText(), ip, out);
            } else if (e.isObject()) {
                refuseOthers(e, ip, LONG_PORT, "not part of a Compose port the runner knows");
                JsonNode published = e.get("published");
                String mode = e.path("mode").asText("ingress");
                if (!mode.equals("ingress") && !mode.equals("host")) {
                    p.error(ip + ".mode", "must be ingress or host, got " + describe(e.get("mode")));
                }
                String protocol = e.path("protocol").asText("tcp");
                if (!protocol.equals("tcp") && !protocol.equals("udp")) {
                    p.error(ip + ".protocol", "must be tcp or udp, got " + describe(e.get("protocol")));
                }
                if (published != null && !published.isNull() && e.path("target").isIntegralNumber()) {
                    String host = published.asText();
                    if (!host.matches("\\d{1,5}") || Integer.parseInt(host) < 1 || Integer.parseInt(host) > 65535) {
                        p.error(ip + ".published", "must be a single host port 1-65535, got " + describe(published));
                    } else {
                        out.add(new ServiceWiring.PublishedPort(e.path("host_ip").asText(null), Integer.parseInt(host),
                                e.get("target").asInt(), protocol));
                    }
                }
            }
        }
        return out;
    }

    /** {@code [[IP:]HOST:]CONTAINER[/PROTOCOL]}, the IP possibly an IPv6 address in brackets. */
    private void shortPort(String text, String path, List<ServiceWiring.PublishedPort> out) {
        String rest = text.strip();
        String protocol = "tcp";
        int slash = rest.lastIndexOf('/');
        if (slash > 0) {
            protocol = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        String hostIp = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf("]:");
            if (close < 0) {
                return; // the parser reports what is not a port at all
            }
            hostIp = rest.substring(1, close);
            rest = rest.substring(close + 2);
        }
        String[] parts = rest.split(":", -1);
        if (parts.length == 3 && hostIp == null) {
            hostIp = parts[0];
            parts = new String[] {parts[1], parts[2]};
        }
        if (rest.contains("-")) {
            p.error(path, "port ranges are not supported: give each port, got \"" + text + "\"");
            return;
        }
        if (parts.length != 2 || !parts[1].matches("\\d{1,5}") || !protocol.matches("tcp|udp")) {
            return; // only a container port (the parser reads it), or not a port at all (the parser reports it)
        }
        if (parts[0].isEmpty()) {
            return; // "IP::CONTAINER": a random host port, as without one
        }
        if (!parts[0].matches("\\d{1,5}")) {
            p.error(path, "the host port must be a number, got \"" + text + "\"");
            return;
        }
        int hostPort = Integer.parseInt(parts[0]);
        int container = Integer.parseInt(parts[1]);
        if (hostPort < 1 || hostPort > 65535 || container < 1 || container > 65535) {
            p.error(path, "ports must be 1-65535, got \"" + text + "\"");
            return;
        }
        out.add(new ServiceWiring.PublishedPort(hostIp, hostPort, container, protocol));
    }

    private List<Integer> expose(JsonNode n, String path) {
        List<Integer> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            p.error(path, "must be a list of ports, got " + describe(n));
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            Matcher m = EXPOSE.matcher(n.get(i).asText());
            int from = m.matches() ? Integer.parseInt(m.group(1)) : 0;
            int to = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : from;
            if (!m.matches() || n.get(i).isContainerNode() || from < 1 || to > 65535 || to < from
                    || to - from >= MAX_PORT_RANGE) {
                p.error(path + "[" + i + "]", "must be a port like 3000, 3000/udp or a range of at most "
                        + MAX_PORT_RANGE + " like 3000-3005, got " + describe(n.get(i)));
                continue;
            }
            for (int port = from; port <= to; port++) {
                out.add(port);
            }
        }
        return out;
    }

    private List<ServiceWiring.Mount> mounts(JsonNode n, String path) {
        List<ServiceWiring.Mount> out = new ArrayList<>();
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
            ServiceWiring.Mount m = e.isTextual() ? shortMount(e.asText(), ip) : e.isObject() ? longMount(e, ip) : null;
            if (m == null && !e.isTextual() && !e.isObject()) {
                p.error(ip, "must be SOURCE:TARGET[:ro] or a mapping with type, source and target, got " + describe(e));
            }
            if (m != null) {
                if (!m.target().startsWith("/")) {
                    p.error(ip, "the target must be an absolute path in the container, got \"" + m.target() + "\"");
                }
                out.add(m);
            }
        }
        return out;
    }

    private ServiceWiring.Mount shortMount(String text, String path) {
        String[] parts = text.split(":", -1);
        if (parts.length == 1) {
            return new ServiceWiring.Mount(ServiceWiring.Mount.Type.VOLUME, null, parts[0], false, 0);
        }
        if (parts.length > 3) {
            p.error(path, "must be SOURCE:TARGET[:MODE], got \"" + text + "\"");
            return null;
        }
        boolean readOnly = false;
        if (parts.length == 3) {
            for (String mode : parts[2].split(",")) {
                switch (mode) {
                    case "ro" -> readOnly = true;
                    case "rw", "" -> { }
                    default -> p.error(path, "mode \"" + mode + "\" is not supported (ro or rw), got \"" + text + "\"");
                }
            }
        }
        String source = parts[0];
        boolean hostPath = source.startsWith("/") || source.startsWith(".") || source.startsWith("~");
        return new ServiceWiring.Mount(hostPath ? ServiceWiring.Mount.Type.BIND : ServiceWiring.Mount.Type.VOLUME,
                source, parts[1], readOnly, 0);
    }

    private ServiceWiring.Mount longMount(JsonNode e, String path) {
        refuseOthers(e, path, LONG_VOLUME, "not part of a Compose mount the runner knows");
        String type = e.path("type").asText("");
        String target = text(e, "target", path, p);
        String source = text(e, "source", path, p);
        boolean readOnly = flag(e, "read_only", path);
        if (target == null) {
            p.error(path + ".target", "is required");
            return null;
        }
        for (String sub : List.of("volume", "bind")) {
            JsonNode options = e.get(sub);
            if (options != null && options.isObject()) {
                options.fieldNames().forEachRemaining(k -> p.error(path + "." + sub + "." + k,
                        "is not supported by the runner: the engine's defaults apply"));
            }
        }
        if (e.has("consistency")) {
            p.warn(path + ".consistency", "ignored: it only matters to Docker Desktop's file sharing");
        }
        switch (type) {
            case "volume" -> {
                return new ServiceWiring.Mount(ServiceWiring.Mount.Type.VOLUME, source, target, readOnly, 0);
            }
            case "bind" -> {
                if (source == null) {
                    p.error(path + ".source", "is required for a bind mount");
                }
                return new ServiceWiring.Mount(ServiceWiring.Mount.Type.BIND, source, target, readOnly, 0);
            }
            case "tmpfs" -> {
                long size = 0;
                JsonNode t = e.get("tmpfs");
                if (t != null && mapping(t, path + ".tmpfs", p)) {
                    refuseOthers(t, path + ".tmpfs", Set.of("size"), "only size is supported");
                    size = t.has("size") ? ComposeParser.bytes(t.get("size"), path + ".tmpfs.size", p) : 0;
                }
                return new ServiceWiring.Mount(ServiceWiring.Mount.Type.TMPFS, null, target, readOnly, size);
            }
            default -> {
                p.error(path + ".type", "must be volume, bind or tmpfs, got " + describe(e.path("type")));
                return null;
            }
        }
    }

    private List<ServiceWiring.Mount> tmpfs(JsonNode n, String path) {
        List<ServiceWiring.Mount> out = new ArrayList<>();
        List<String> paths = n == null || n.isNull() ? null
                : n.isTextual() ? List.of(n.asText()) : stringList(n, path, p);
        if (paths == null) {
            return out;
        }
        for (String entry : paths) {
            String[] parts = entry.split(":", 2);
            long size = 0;
            if (parts.length == 2) {
                for (String option : parts[1].split(",")) {
                    if (option.startsWith("size=")) {
                        size = Sizes.parseBytes(option.substring(5));
                    } else {
                        p.error(path, "option \"" + option + "\" is not supported (size= only), got \"" + entry + "\"");
                    }
                }
            }
            if (!parts[0].startsWith("/") || size < 0) {
                p.error(path, "must be an absolute path with an optional :size=64m, got \"" + entry + "\"");
                continue;
            }
            out.add(new ServiceWiring.Mount(ServiceWiring.Mount.Type.TMPFS, null, parts[0], false, size));
        }
        return out;
    }

    private Map<String, ServiceWiring.Dependency> dependsOn(String self, JsonNode n, String path) {
        Map<String, ServiceWiring.Dependency> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        ServiceWiring.Dependency started = new ServiceWiring.Dependency(
                ServiceWiring.Dependency.Condition.SERVICE_STARTED, true, false);
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                if (!n.get(i).isTextual()) {
                    p.error(path + "[" + i + "]", "must be a service name, got " + describe(n.get(i)));
                } else {
                    out.put(n.get(i).asText(), started);
                }
            }
        } else if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String dpath = path + "." + e.getKey();
                JsonNode d = e.getValue();
                if (absent(d) || !mapping(d, dpath, p)) {
                    out.put(e.getKey(), started);
                    continue;
                }
                refuseOthers(d, dpath, DEPENDENCY, "not part of a Compose dependency");
                ServiceWiring.Dependency.Condition condition = ServiceWiring.Dependency.Condition.SERVICE_STARTED;
                String c = text(d, "condition", dpath, p);
                if (c != null) {
                    try {
                        condition = ServiceWiring.Dependency.Condition.valueOf(c.toUpperCase(java.util.Locale.ROOT));
                    } catch (IllegalArgumentException ex) {
                        p.error(dpath + ".condition", "must be service_started, service_healthy or"
                                + " service_completed_successfully, got \"" + c + "\"");
                    }
                }
                boolean required = !d.has("required") || flag(d, "required", dpath);
                out.put(e.getKey(), new ServiceWiring.Dependency(condition, required, flag(d, "restart", dpath)));
            }
        } else {
            p.error(path, "must be a list or a mapping of service names, got " + describe(n));
        }
        if (out.containsKey(self)) {
            p.error(path + "." + self, "a service cannot depend on itself");
        }
        return out;
    }

    /**
     * What only the whole app tells: every network, volume and dependency a service names exists, and the
     * dependencies form no cycle.
     */
    void check(Map<String, ServiceSpec> services, AppResources resources, Set<String> declaredServices) {
        for (ServiceSpec s : services.values()) {
            String path = "services." + s.name();
            for (String network : s.wiring().networks().keySet()) {
                if (!resources.networks().containsKey(network)) {
                    p.error(path + ".networks." + network, "names no network of the top-level networks:");
                }
            }
            for (ServiceWiring.Mount m : s.wiring().mounts()) {
                if (m.type() == ServiceWiring.Mount.Type.VOLUME && m.source() != null
                        && !resources.volumes().containsKey(m.source())) {
                    p.error(path + ".volumes", "volume \"" + m.source() + "\" is not in the top-level volumes: (a host"
                            + " path starts with /, ./ or ~)");
                }
            }
            for (var d : s.wiring().dependsOn().entrySet()) {
                if (!declaredServices.contains(d.getKey()) && d.getValue().required()) {
                    p.error(path + ".depends_on." + d.getKey(), "names no service of the Compose file");
                }
            }
        }
        List<String> cycle = StartOrder.cycle(services);
        if (!cycle.isEmpty()) {
            p.error("services." + cycle.get(0) + ".depends_on", "depends_on forms a cycle: " + String.join(" -> ", cycle));
        }
    }

    private void refuseOthers(JsonNode n, String path, Set<String> known, String why) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key) && !key.startsWith("x-")) {
                p.error(path + "." + key, "is not supported by the runner: " + why);
            }
        }
    }

    /** A key with no value ({@code db_data:}), which the YAML reader gives as null or an empty text. */
    private static boolean absent(JsonNode n) {
        return n == null || n.isNull() || n.isTextual() && n.asText().isEmpty();
    }

    private void key(String key, String path) {
        if (!KEY.matcher(key).matches()) {
            p.error(path, "name must be letters, digits, '.', '_' or '-'");
        }
    }

    private boolean flag(JsonNode n, String key, String path) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            p.error(path + "." + key, "must be true or false, got " + describe(v));
            return false;
        }
        return v.asBoolean();
    }
}
