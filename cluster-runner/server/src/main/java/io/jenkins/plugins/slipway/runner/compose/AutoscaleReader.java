package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code x-slipway.autoscale} and its aliases, Alibaba Cloud's {@code aliyun.auto_scaling.*} labels, into an
 * {@link Autoscale}. A key given both ways must agree; every bad value is reported with its path.
 */
final class AutoscaleReader {
    static final String LABEL_PREFIX = "aliyun.auto_scaling.";
    /** Each alias label and the {@code x-slipway.autoscale} key it stands for (docs/compose-extensions.md). */
    static final Map<String, String> ALIASES = Map.of(
            "min_instances", "min",
            "max_instances", "max",
            "step", "step",
            "max_cpu", "cpuPercent",
            "min_cpu", "cpuPercent");
    private static final Set<String> KEYS = Set.of("min", "max", "requestsPerSecond", "inFlight", "cpuPercent",
            "memoryPercent", "scaleUp", "scaleDown", "idleAfter");
    private static final Set<String> BEHAVIOR = Set.of("stabilizationWindow", "step", "period");
    private static final Pattern PERCENT = Pattern.compile("(\\d{1,4})%");
    /** HPA's bounds: a stabilization window of at most an hour, a period of at most half an hour. */
    private static final Duration MAX_WINDOW = Duration.ofHours(1);
    private static final Duration MAX_PERIOD = Duration.ofMinutes(30);
    private static final double MAX_TARGET = 1_000_000;

    private final Problems p;
    /** {@code aliyun.auto_scaling.min_cpu} and where it was given; null when it was not. */
    private String minCpu;
    private String minCpuAt;

    AutoscaleReader(Problems p) {
        this.p = p;
    }

    /**
     * The service's {@code deploy.resources.limits}: what {@code cpuPercent} and {@code memoryPercent} are percents
     * of.
     *
     * @param nanoCpus    {@code limits.cpus} in billionths of a CPU, 0 for none
     * @param memoryBytes {@code limits.memory}, 0 for none
     */
    record Limits(long nanoCpus, long memoryBytes) {
    }

    /** The service's policy, or null when it asks for none. */
    Autoscale read(JsonNode x, Map<String, String> labels, int replicas, Limits limits, String path) {
        JsonNode n = x == null ? null : x.get("autoscale");
        String at = path + ".x-slipway.autoscale";
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        Map<String, String> where = new LinkedHashMap<>();
        if (n != null && !n.isNull() && ComposeParser.mapping(n, at, p)) {
            ComposeParser.unknownKeys(n, at, KEYS, p);
            n.fields().forEachRemaining(e -> {
                if (KEYS.contains(e.getKey())) {
                    keys.put(e.getKey(), e.getValue());
                    where.put(e.getKey(), at + "." + e.getKey());
                }
            });
        }
        aliases(labels, path + ".labels", keys, where);
        if (keys.isEmpty()) {
            minCpu(null, null);
            return null;
        }
        int min = ComposeParser.wholeNumber(keys.get("min"), where.getOrDefault("min", at + ".min"), p, 0,
                ComposeParser.MAX_REPLICAS, 1);
        Duration idleAfter = idleAfter(keys, where, at, min, replicas, path);
        if (!keys.containsKey("max")) {
            p.error(at + ".max", "is required: the most replicas the autoscaler may run");
        }
        int max = ComposeParser.wholeNumber(keys.get("max"), where.getOrDefault("max", at + ".max"), p, 1,
                ComposeParser.MAX_REPLICAS, min);
        if (min > max) {
            p.error(where.getOrDefault("min", at + ".min"), "must be at most max (" + max + "), got " + min);
        } else if (replicas < min || replicas > max) {
            p.error(path + ".deploy.replicas", "is the count the autoscaler starts from and must be within min.."
                    + "max (" + min + ".." + max + "), got " + replicas);
        }
        Map<Autoscale.Target, Double> targets = new EnumMap<>(Autoscale.Target.class);
        for (Autoscale.Target t : Autoscale.Target.values()) {
            JsonNode v = keys.get(t.key());
            if (v != null) {
                Double d = positive(v, where.get(t.key()));
                if (d != null) {
                    targets.put(t, d);
                }
            }
        }
        if (java.util.Arrays.stream(Autoscale.Target.values()).noneMatch(t -> keys.containsKey(t.key()))) {
            p.error(at, "needs at least one target: requestsPerSecond, inFlight (per replica), cpuPercent or"
                    + " memoryPercent (of the limit)");
        }
        limitsGiven(targets, where, limits, path);
        minCpu(targets.get(Autoscale.Target.CPU_PERCENT), where.get("cpuPercent"));
        Autoscale.Step aliasStep = keys.containsKey("step") ? step(keys.get("step"), where.get("step")) : null;
        Autoscale.Behavior up = behavior(keys.get("scaleUp"), at + ".scaleUp", Autoscale.Behavior.UP, aliasStep);
        Autoscale.Behavior down = behavior(keys.get("scaleDown"), at + ".scaleDown", Autoscale.Behavior.DOWN, aliasStep);
        return new Autoscale(min, max, targets, up, down, idleAfter);
    }

    /** The shortest and longest idle time before a scale to zero. */
    private static final Duration MIN_IDLE = Duration.ofSeconds(1);
    private static final Duration MAX_IDLE = Duration.ofDays(7);

    /** {@code idleAfter}, which goes with {@code min: 0} and only with it; null when absent. */
    private Duration idleAfter(Map<String, JsonNode> keys, Map<String, String> where, String at, int min, int replicas,
                               String path) {
        JsonNode n = keys.get("idleAfter");
        if (n == null || n.isNull()) {
            if (min == 0) {
                p.error(where.getOrDefault("min", at + ".min"), "0 scales the service to zero, which needs idleAfter"
                        + " (how long without a request before its replicas stop), e.g. idleAfter: 5m");
            }
            return null;
        }
        Duration d = ComposeParser.duration(n, where.get("idleAfter"), p, null);
        if (d == null) {
            return null;
        }
        if (d.compareTo(MIN_IDLE) < 0 || d.compareTo(MAX_IDLE) > 0) {
            p.error(where.get("idleAfter"), "must be from 1s to 7d, got " + ComposeParser.describe(n));
            return null;
        }
        if (min != 0) {
            p.error(where.get("idleAfter"), "scales the service to zero after that long without a request, which"
                    + " needs min: 0; got min " + min);
            return null;
        }
        if (replicas < 1) {
            p.error(path + ".deploy.replicas", "must be at least 1 with min: 0: a release starts the new revision"
                    + " with it, and the service goes to zero after idleAfter without a request");
        }
        return d;
    }

    /** Adds the alias labels to {@code keys}; a key given both ways must have the same value. */
    private void aliases(Map<String, String> labels, String path, Map<String, JsonNode> keys, Map<String, String> where) {
        labels.forEach((label, value) -> {
            if (!label.startsWith(LABEL_PREFIX)) {
                return;
            }
            String name = label.substring(LABEL_PREFIX.length());
            String at = path + "." + label;
            String key = ALIASES.get(name);
            if (key == null) {
                p.error(at, "is not an autoscaling label the runner knows; it knows " + LABEL_PREFIX + "{"
                        + String.join(",", new java.util.TreeSet<>(ALIASES.keySet())) + "}");
                return;
            }
            if (name.equals("min_cpu")) {
                minCpu = value;
                minCpuAt = at;
                return;
            }
            JsonNode given = keys.get(key);
            if (given != null && !given.asText().equals(value.trim())) {
                p.error(at, "says " + value + " but " + where.get(key) + " says " + given.asText()
                        + "; give the value once");
                return;
            }
            if (given == null) {
                // Label values are text; a count must read as the number the key takes.
                keys.put(key, value.matches("\\d{1,9}") ? IntNode.valueOf(Integer.parseInt(value))
                        : TextNode.valueOf(value));
                where.put(key, at);
            }
        });
    }

    /**
     * {@code cpuPercent} and {@code memoryPercent} are percents of the service's limits, as {@code docker stats}
     * shows them: the limit is what the engine enforces (a replica at 100% of its CPU limit is throttled), where
     * Compose's reservations are hints the Docker engine does not enforce. As HPA refuses a utilization target
     * without a request, a target without its limit is refused.
     */
    private void limitsGiven(Map<Autoscale.Target, Double> targets, Map<String, String> where, Limits limits,
                             String path) {
        if (targets.containsKey(Autoscale.Target.CPU_PERCENT) && limits.nanoCpus() <= 0) {
            p.error(where.get("cpuPercent"), "is a percent of the CPU limit, and service " + service(path)
                    + " has none: set " + path + ".deploy.resources.limits.cpus (e.g. \"0.5\")");
        }
        if (targets.containsKey(Autoscale.Target.MEMORY_PERCENT) && limits.memoryBytes() <= 0) {
            p.error(where.get("memoryPercent"), "is a percent of the memory limit, and service " + service(path)
                    + " has none: set " + path + ".deploy.resources.limits.memory (e.g. 256M)");
        }
    }

    /** 70 for 70.0, 72.5 as it is. */
    private static String figure(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    /** "services.web" → "web". */
    private static String service(String path) {
        return path.substring(path.lastIndexOf('.') + 1);
    }

    /**
     * Alibaba's {@code min_cpu} is the CPU under which it scales in, beside {@code max_cpu} above which it scales
     * out. HPA has one target with a tolerance instead: the runner aims at {@code max_cpu} and scales in once the
     * figure is more than 10% under it. So {@code min_cpu} is checked (a number under {@code max_cpu}) and a warning
     * says it is not a threshold of its own, rather than being dropped silently.
     */
    private void minCpu(Double cpuPercent, String cpuAt) {
        if (minCpu == null) {
            return;
        }
        Double min = number(TextNode.valueOf(minCpu));
        if (cpuPercent == null) {
            p.error(minCpuAt, "goes with " + LABEL_PREFIX + "max_cpu (or x-slipway.autoscale.cpuPercent), the CPU"
                    + " the autoscaler aims at; give it");
        } else if (min == null || min < 0 || min >= cpuPercent) {
            p.error(minCpuAt, "must be a number from 0 to under " + figure(cpuPercent) + " (" + cpuAt
                    + "), got " + minCpu);
        } else {
            p.warn(minCpuAt, "is not a threshold of its own: the autoscaler aims at cpuPercent "
                    + figure(cpuPercent) + " as Kubernetes' HPA does, and scales in once the figure is"
                    + " more than 10% under it");
        }
    }

    private Double positive(JsonNode v, String path) {
        Double d = number(v);
        if (d == null || !(d > 0) || d > MAX_TARGET) {
            p.error(path, "must be a number > 0 and at most " + (long) MAX_TARGET + " (per replica), got "
                    + ComposeParser.describe(v));
            return null;
        }
        return d;
    }

    /** A number, written as one or as text (labels are text); null for anything else. */
    private static Double number(JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            try {
                double d = Double.parseDouble(v.asText().trim());
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private Autoscale.Behavior behavior(JsonNode n, String path, Autoscale.Behavior dflt, Autoscale.Step aliasStep) {
        Autoscale.Step step = aliasStep == null ? dflt.step() : aliasStep;
        if (n == null || n.isNull()) {
            return new Autoscale.Behavior(dflt.stabilizationWindow(), step, dflt.period());
        }
        if (!ComposeParser.mapping(n, path, p)) {
            return dflt;
        }
        ComposeParser.unknownKeys(n, path, BEHAVIOR, p);
        Duration window = bounded(n.get("stabilizationWindow"), path + ".stabilizationWindow",
                dflt.stabilizationWindow(), Duration.ZERO, MAX_WINDOW);
        Duration period = bounded(n.get("period"), path + ".period", dflt.period(), Duration.ofSeconds(1), MAX_PERIOD);
        if (n.has("step")) {
            if (aliasStep != null) {
                p.error(path + ".step", "is also given by the label " + LABEL_PREFIX + "step; give it once");
            }
            step = step(n.get("step"), path + ".step");
        }
        return new Autoscale.Behavior(window, step, period);
    }

    private Duration bounded(JsonNode n, String path, Duration dflt, Duration least, Duration most) {
        Duration d = ComposeParser.duration(n, path, p, dflt);
        if (n != null && (d.compareTo(least) < 0 || d.compareTo(most) > 0)) {
            p.error(path, "must be a duration from " + least.toSeconds() + "s to " + most.toSeconds() + "s, got "
                    + ComposeParser.describe(n));
            return dflt;
        }
        return d;
    }

    /** A whole number of replicas ({@code 2}) or a percent of the count ({@code "50%"}). */
    private Autoscale.Step step(JsonNode n, String path) {
        if (n.isTextual()) {
            Matcher m = PERCENT.matcher(n.asText().trim());
            if (m.matches() && Integer.parseInt(m.group(1)) >= 1 && Integer.parseInt(m.group(1)) <= 1000) {
                return Autoscale.Step.percent(Integer.parseInt(m.group(1)));
            }
        }
        Double d = number(n);
        if (d != null && d >= 1 && d <= ComposeParser.MAX_REPLICAS && d == Math.floor(d)) {
            return Autoscale.Step.replicas(d.intValue());
        }
        p.error(path, "must be a whole number of replicas (1-" + ComposeParser.MAX_REPLICAS + ") or a percent like"
                + " \"50%\" (1-1000%), got " + ComposeParser.describe(n));
        return null;
    }
}
