package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads {@link Placement} from a service's {@code deploy}: {@code placement} (constraints, spread preferences,
 * max_replicas_per_node) and {@code resources.reservations} (memory, cpus, generic_resources), with Swarm's
 * syntax and every error named by its field path.
 */
final class PlacementReader {
    private static final Set<String> PLACEMENT = Set.of("constraints", "preferences", "max_replicas_per_node");
    /** {@code devices} (GPUs) are ContainerSettingsReader's. */
    private static final Set<String> RESERVATIONS = Set.of("memory", "cpus", "generic_resources", "devices");
    /** Swarm's form: a node attribute, {@code ==} or {@code !=}, a value. */
    private static final Pattern CONSTRAINT =
            Pattern.compile("\\s*(node|engine)\\.[A-Za-z0-9_.-]+\\s*(==|!=)\\s*[^\\s=!][^=!]*");
    private static final Pattern DESCRIPTOR = Pattern.compile("(node|engine)\\.[A-Za-z0-9_.-]+");
    private static final Pattern KIND = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final double MAX_CPUS = 1024;
    private static final int MAX_UNITS = 1024;

    private PlacementReader() {
    }

    /** {@link Placement#ANYWHERE} when {@code deploy} is null or says nothing about placement. */
    static Placement read(JsonNode deploy, String path, Problems p) {
        if (deploy == null || !deploy.isObject()) {
            return Placement.ANYWHERE;
        }
        List<String> constraints = new ArrayList<>();
        List<String> spreads = new ArrayList<>();
        int maxPerNode = 0;
        JsonNode placement = deploy.get("placement");
        if (placement != null && mapping(placement, path + ".placement", p)) {
            unknownKeys(placement, path + ".placement", PLACEMENT, p);
            constraints = constraints(placement.get("constraints"), path + ".placement.constraints", p);
            spreads = spreads(placement.get("preferences"), path + ".placement.preferences", p);
            maxPerNode = maxPerNode(placement.get("max_replicas_per_node"), path + ".placement.max_replicas_per_node", p);
        }
        long memory = 0;
        long cpus = 0;
        Map<String, Long> generic = Map.of();
        JsonNode resources = deploy.get("resources");
        JsonNode reservations = resources == null || !resources.isObject() ? null : resources.get("reservations");
        String rpath = path + ".resources.reservations";
        if (reservations != null && mapping(reservations, rpath, p)) {
            unknownKeys(reservations, rpath, RESERVATIONS, p);
            // ContainerSettingsReader reads memory and cpus too (for the Docker engine) and reports their errors.
            Problems reportedThere = new Problems();
            memory = bytes(reservations.get("memory"), rpath + ".memory", reportedThere);
            cpus = cpus(reservations.get("cpus"), rpath + ".cpus", reportedThere);
            generic = genericResources(reservations.get("generic_resources"), rpath + ".generic_resources", p);
        }
        return new Placement(constraints, spreads, maxPerNode, memory, cpus, generic);
    }

    private static List<String> constraints(JsonNode n, String path, Problems p) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            p.error(path, "must be a list like [\"node.labels.zone == b\"], got " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode c = n.get(i);
            if (!c.isTextual() || !CONSTRAINT.matcher(c.asText()).matches()) {
                p.error(path + "[" + i + "]", "must be a constraint like \"node.labels.zone == b\" or"
                        + " \"node.role != manager\", got " + c);
            } else {
                out.add(c.asText().strip());
            }
        }
        return out;
    }

    private static List<String> spreads(JsonNode n, String path, Problems p) {
        List<String> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            p.error(path, "must be a list like [{spread: node.labels.zone}]");
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            JsonNode pref = n.get(i);
            String at = path + "[" + i + "]";
            if (!pref.isObject() || pref.size() != 1 || !pref.has("spread")) {
                p.error(at, "must be {spread: DESCRIPTOR}, like {spread: node.labels.zone}, got " + pref);
                continue;
            }
            JsonNode d = pref.get("spread");
            if (!d.isTextual() || !DESCRIPTOR.matcher(d.asText().strip()).matches()) {
                p.error(at + ".spread", "must be a node attribute like node.labels.zone, got " + d);
            } else {
                out.add(d.asText().strip());
            }
        }
        return out;
    }

    private static int maxPerNode(JsonNode n, String path, Problems p) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (n.isIntegralNumber() && n.canConvertToInt() && n.asInt() >= 1) {
            return n.asInt();
        }
        p.error(path, "must be a whole number >= 1, got " + n);
        return 0;
    }

    /** Compose's {@code [{discrete_resource_spec: {kind: NVIDIA-GPU, value: 1}}]}, summed by kind. */
    private static Map<String, Long> genericResources(JsonNode n, String path, Problems p) {
        Map<String, Long> out = new TreeMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isArray()) {
            p.error(path, "must be a list like [{discrete_resource_spec: {kind: NVIDIA-GPU, value: 1}}]");
            return out;
        }
        for (int i = 0; i < n.size(); i++) {
            String at = path + "[" + i + "]";
            JsonNode r = n.get(i);
            JsonNode spec = r.isObject() && r.size() == 1 ? r.get("discrete_resource_spec") : null;
            if (spec == null || !spec.isObject()) {
                p.error(at, "must be {discrete_resource_spec: {kind: KIND, value: N}} (named resources are not"
                        + " supported), got " + r);
                continue;
            }
            unknownKeys(spec, at + ".discrete_resource_spec", Set.of("kind", "value"), p);
            JsonNode kind = spec.get("kind");
            JsonNode value = spec.get("value");
            if (kind == null || !kind.isTextual() || !KIND.matcher(kind.asText()).matches()) {
                p.error(at + ".discrete_resource_spec.kind", "must be a resource kind like NVIDIA-GPU, got " + kind);
            } else if (value == null || !value.isIntegralNumber() || value.asLong() < 1 || value.asLong() > MAX_UNITS) {
                p.error(at + ".discrete_resource_spec.value", "must be a whole number from 1 to " + MAX_UNITS
                        + ", got " + value);
            } else {
                out.merge(kind.asText(), value.asLong(), Long::sum);
            }
        }
        return new LinkedHashMap<>(out);
    }

    private static long bytes(JsonNode n, String path, Problems p) {
        if (n == null || n.isNull()) {
            return 0;
        }
        long b = n.isIntegralNumber() && n.canConvertToLong() ? n.asLong()
                : n.isTextual() ? Sizes.parseBytes(n.asText()) : -1;
        if (b <= 0 || b >= Long.MAX_VALUE / 2) {
            p.error(path, "must be a size like 512m or 1g, got " + n);
            return 0;
        }
        return b;
    }

    private static long cpus(JsonNode n, String path, Problems p) {
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
        p.error(path, "must be a number of CPUs > 0 and at most " + (int) MAX_CPUS + ", like 0.5, got " + n);
        return 0;
    }

    private static boolean mapping(JsonNode n, String path, Problems p) {
        if (!n.isObject()) {
            p.error(path, "must be a mapping, got " + n);
            return false;
        }
        return true;
    }

    private static void unknownKeys(JsonNode n, String path, Set<String> known, Problems p) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                p.warn(path + "." + key, "not supported by the runner, ignored");
            }
        }
    }
}
