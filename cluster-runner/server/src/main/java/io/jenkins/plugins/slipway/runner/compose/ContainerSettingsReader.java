package io.jenkins.plugins.slipway.runner.compose;

import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.describe;
import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.mapping;
import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.stringList;
import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.stringMap;
import static io.jenkins.plugins.slipway.runner.compose.ComposeParser.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the service keys the engine is given as they are ({@link ContainerSettings}), Compose's {@code restart}
 * and {@code deploy.resources.reservations}. Whether the keys that give a container power over its host are
 * allowed is the runner's decision at deploy time ({@link HostAccess}), not the file's.
 */
final class ContainerSettingsReader {
    private static final Pattern RESTART = Pattern.compile("no|always|unless-stopped|on-failure(?::(\\d{1,6}))?");
    private static final Set<String> LOGGING = Set.of("driver", "options");
    /** {@code generic_resources} are PlacementReader's (Swarm). */
    private static final Set<String> RESERVATIONS = Set.of("cpus", "memory", "devices", "generic_resources");
    private static final Set<String> DEVICE = Set.of("capabilities", "driver", "count", "device_ids", "options");
    private static final Set<String> HOST_MODES = Set.of("host");

    private final Problems p;

    ContainerSettingsReader(Problems p) {
        this.p = p;
    }

    ContainerSettings settings(JsonNode n, String path) {
        Boolean init = n.has("init") && !n.get("init").isNull() ? bool(n.get("init"), path + ".init") : null;
        JsonNode shm = n.get("shm_size");
        long shmSize = shm == null || shm.isNull() ? 0 : ComposeParser.bytes(shm, path + ".shm_size", p);
        return new ContainerSettings(text(n, "user", path, p), text(n, "working_dir", path, p),
                text(n, "hostname", path, p), text(n, "domainname", path, p), extraHosts(n.get("extra_hosts"), path + ".extra_hosts"),
                list(n.get("dns"), path + ".dns"), list(n.get("dns_search"), path + ".dns_search"), init,
                text(n, "stop_signal", path, p), ulimits(n.get("ulimits"), path + ".ulimits"), shmSize,
                logging(n.get("logging"), path + ".logging"),
                reservations(n.path("deploy").path("resources").get("reservations"), path + ".deploy.resources.reservations"),
                list(n.get("cap_drop"), path + ".cap_drop"), n.has("privileged") && bool(n.get("privileged"), path + ".privileged"),
                list(n.get("cap_add"), path + ".cap_add"), list(n.get("devices"), path + ".devices"),
                list(n.get("security_opt"), path + ".security_opt"), stringMap(n.get("sysctls"), path + ".sysctls", p, true),
                mode(n, "pid", path, HOST_MODES), mode(n, "ipc", path, Set.of("host", "private", "shareable", "none")),
                mode(n, "network_mode", path, Set.of("host", "none", "bridge")));
    }

    /**
     * Compose's {@code restart}, used when {@code deploy.restart_policy} is absent: {@code no}, {@code always},
     * {@code unless-stopped} (the runner never stops a replica by hand, so as {@code always}) and
     * {@code on-failure[:N]}.
     */
    ServiceSpec.RestartPolicy restart(JsonNode n, String path) {
        JsonNode r = n.get("restart");
        if (r == null || r.isNull()) {
            return null;
        }
        Matcher m = RESTART.matcher(r.asText());
        if (!r.isTextual() || !m.matches()) {
            p.error(path + ".restart", "must be no, always, unless-stopped or on-failure[:N], got " + describe(r));
            return null;
        }
        ServiceSpec.RestartPolicy d = ServiceSpec.RestartPolicy.DEFAULT;
        String text = r.asText();
        if (text.equals("no")) {
            return new ServiceSpec.RestartPolicy(ServiceSpec.RestartPolicy.Condition.NONE, d.delay(), 0, Duration.ZERO);
        }
        if (text.startsWith("on-failure")) {
            int max = m.group(1) == null ? 0 : Integer.parseInt(m.group(1));
            return new ServiceSpec.RestartPolicy(ServiceSpec.RestartPolicy.Condition.ON_FAILURE, d.delay(), max, Duration.ZERO);
        }
        return d;
    }

    private List<String> list(JsonNode n, String path) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (n.isTextual()) {
            return List.of(n.asText());
        }
        List<String> out = stringList(n, path, p);
        return out == null ? List.of() : out;
    }

    /** {@code extra_hosts} as a list of {@code host:ip} / {@code host=ip}, or a mapping; given to the engine as host:ip. */
    private List<String> extraHosts(JsonNode n, String path) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isObject()) {
            stringMap(n, path, p, false).forEach((host, ip) -> out.add(host + ":" + ip));
            return out;
        }
        for (String entry : list(n, path)) {
            int eq = entry.indexOf('=');
            int colon = entry.indexOf(':');
            int at = eq > 0 ? eq : colon;
            if (at <= 0 || at == entry.length() - 1) {
                p.error(path, "must be HOST:ADDRESS or HOST=ADDRESS, got \"" + entry + "\"");
            } else {
                out.add(entry.substring(0, at) + ":" + entry.substring(at + 1));
            }
        }
        return out;
    }

    private Map<String, ContainerSettings.Ulimit> ulimits(JsonNode n, String path) {
        Map<String, ContainerSettings.Ulimit> out = new LinkedHashMap<>();
        if (n == null || n.isNull() || !mapping(n, path, p)) {
            return out;
        }
        n.fields().forEachRemaining(e -> {
            String upath = path + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isIntegralNumber()) {
                out.put(e.getKey(), new ContainerSettings.Ulimit(v.asLong(), v.asLong()));
            } else if (v.isObject() && v.path("soft").isIntegralNumber() && v.path("hard").isIntegralNumber()) {
                out.put(e.getKey(), new ContainerSettings.Ulimit(v.get("soft").asLong(), v.get("hard").asLong()));
            } else {
                p.error(upath, "must be a number or {soft: N, hard: N}, got " + describe(v));
            }
        });
        return out;
    }

    private ContainerSettings.Logging logging(JsonNode n, String path) {
        if (n == null || n.isNull() || !mapping(n, path, p)) {
            return null;
        }
        refuseOthers(n, path, LOGGING);
        String driver = text(n, "driver", path, p);
        return new ContainerSettings.Logging(driver == null ? "json-file" : driver,
                stringMap(n.get("options"), path + ".options", p, false));
    }

    private ContainerSettings.Reservations reservations(JsonNode n, String path) {
        if (n == null || n.isNull() || !mapping(n, path, p)) {
            return null;
        }
        refuseOthers(n, path, RESERVATIONS);
        JsonNode cpus = n.get("cpus");
        JsonNode memory = n.get("memory");
        List<ContainerSettings.DeviceRequest> devices = new ArrayList<>();
        JsonNode d = n.get("devices");
        if (d != null && !d.isNull()) {
            if (!d.isArray()) {
                p.error(path + ".devices", "must be a list, got " + describe(d));
            } else {
                for (int i = 0; i < d.size(); i++) {
                    ContainerSettings.DeviceRequest r = device(d.get(i), path + ".devices[" + i + "]");
                    if (r != null) {
                        devices.add(r);
                    }
                }
            }
        }
        return new ContainerSettings.Reservations(cpus == null ? 0 : ComposeParser.cpus(cpus, path + ".cpus", p),
                memory == null ? 0 : ComposeParser.bytes(memory, path + ".memory", p), devices);
    }

    private ContainerSettings.DeviceRequest device(JsonNode n, String path) {
        if (!mapping(n, path, p)) {
            return null;
        }
        refuseOthers(n, path, DEVICE);
        List<String> capabilities = list(n.get("capabilities"), path + ".capabilities");
        if (capabilities.isEmpty()) {
            p.error(path + ".capabilities", "is required, like [gpu]");
        }
        int count = -1;
        JsonNode c = n.get("count");
        if (c != null && !(c.isTextual() && c.asText().equals("all"))) {
            count = ComposeParser.wholeNumber(c, path + ".count", p, 1, 1024, -1);
        }
        List<String> ids = list(n.get("device_ids"), path + ".device_ids");
        if (!ids.isEmpty() && c != null) {
            p.error(path + ".count", "cannot be given with device_ids");
        }
        return new ContainerSettings.DeviceRequest(text(n, "driver", path, p), count, ids, capabilities,
                stringMap(n.get("options"), path + ".options", p, false));
    }

    private String mode(JsonNode n, String key, String path, Set<String> allowed) {
        String v = text(n, key, path, p);
        if (v != null && !allowed.contains(v)) {
            p.error(path + "." + key, "must be one of " + String.join(", ", new java.util.TreeSet<>(allowed))
                    + " (sharing another service's or container's namespace is not supported), got \"" + v + "\"");
            return null;
        }
        return v;
    }

    private boolean bool(JsonNode v, String path) {
        if (!v.isBoolean()) {
            p.error(path, "must be true or false, got " + describe(v));
            return false;
        }
        return v.asBoolean();
    }

    private void refuseOthers(JsonNode n, String path, Set<String> known) {
        n.fieldNames().forEachRemaining(key -> {
            if (!known.contains(key) && !key.startsWith("x-")) {
                p.error(path + "." + key, "is not supported by the runner");
            }
        });
    }
}
