package io.jenkins.plugins.slipway.build;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import hudson.AbortException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code build:} sections of a Compose file as {@code docker compose build} reads them: the long
 * form ({@code context}, {@code dockerfile}, {@code args}, {@code target}, {@code labels}, {@code cache_from},
 * {@code pull}, {@code no_cache}) and the short form ({@code build: ./dir}), paths relative to the Compose
 * file's folder. A key that would change what is built but that the engine call cannot honour is refused,
 * never skipped, and every problem of the file is reported at once, each with its field path.
 */
final class ComposeBuildSections {
    /** Keys read into {@link ServiceBuild}. */
    private static final Set<String> HONOURED = Set.of("context", "dockerfile", "args", "target", "labels",
            "cache_from", "pull", "no_cache");
    /** Keys that only say where to export the cache: they change nothing in the image. */
    private static final Set<String> NO_EFFECT = Set.of("cache_to");
    private static final YAMLMapper YAML = new YAMLMapper();

    /**
     * The builds, in file order, and notes for the build log.
     *
     * @param builds one per service with a {@code build:} section
     * @param notes  keys read but without effect on the image, and services without a build section
     */
    record Parsed(List<ServiceBuild> builds, List<String> notes) {
    }

    private final String composePath;
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private ComposeBuildSections(String composePath, Map<String, String> env) {
        this.composePath = composePath;
        this.env = env;
    }

    /**
     * Parses {@code yaml}, the text of the Compose file at {@code composePath} (relative to the workspace).
     * Build arguments written without a value take theirs from {@code env}, as Compose takes them from the shell.
     *
     * @throws AbortException naming every problem with its field path, or saying no service has a build section
     */
    static Parsed parse(String yaml, String composePath, Map<String, String> env) throws AbortException {
        return new ComposeBuildSections(composePath, env).read(yaml);
    }

    private Parsed read(String yaml) throws AbortException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            throw new AbortException("slipwayBuild: " + composePath + " is not valid YAML: " + e.getOriginalMessage());
        }
        JsonNode services = root == null ? null : root.get("services");
        if (services == null || !services.isObject() || services.isEmpty()) {
            throw new AbortException("slipwayBuild: " + composePath + " has no services");
        }
        List<ServiceBuild> builds = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            JsonNode build = service.getValue() == null ? null : service.getValue().get("build");
            if (build == null || build.isNull()) {
                notes.add("services." + service.getKey() + " has no build section: not built");
                continue;
            }
            ServiceBuild parsed = service(service.getKey(), service.getValue(), build);
            if (parsed != null) {
                builds.add(parsed);
            }
        }
        if (!problems.isEmpty()) {
            throw new AbortException("slipwayBuild: " + composePath + ": " + String.join("; ", problems)
                    + "; nothing was built");
        }
        if (builds.isEmpty()) {
            throw new AbortException("slipwayBuild: no service in " + composePath + " has a build section "
                    + "(services." + String.join(", services.", names(services)) + "); nothing to build");
        }
        return new Parsed(List.copyOf(builds), List.copyOf(notes));
    }

    private ServiceBuild service(String name, JsonNode service, JsonNode build) {
        String path = "services." + name + ".build";
        String image = text(service.get("image"), "services." + name + ".image");
        if (build.isTextual()) {
            String context = context(build.asText(), path);
            return context == null ? null
                    : new ServiceBuild(name, image, context, null, Map.of(), null, Map.of(), List.of(), false, false);
        }
        if (!build.isObject()) {
            problems.add(path + " must be a path or a mapping");
            return null;
        }
        for (Iterator<String> keys = build.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            if (NO_EFFECT.contains(key)) {
                notes.add(path + "." + key + " ignored: it only says where to export the build cache");
            } else if (!HONOURED.contains(key) && !key.startsWith("x-")) {
                problems.add(path + "." + key + " is not supported by slipwayBuild (it supports "
                        + String.join(", ", HONOURED.stream().sorted().toList()) + ")");
            }
        }
        JsonNode contextNode = build.get("context");
        String context = context(contextNode == null ? "." : text(contextNode, path + ".context"), path + ".context");
        String dockerfile = text(build.get("dockerfile"), path + ".dockerfile");
        String dockerfileInWorkspace = null;
        if (context != null && dockerfile != null) {
            dockerfileInWorkspace = inWorkspace(Path.of(context), dockerfile, path + ".dockerfile");
        }
        Map<String, String> args = keyValues(build.get("args"), path + ".args", true);
        String target = text(build.get("target"), path + ".target");
        Map<String, String> labels = keyValues(build.get("labels"), path + ".labels", false);
        List<String> cacheFrom = list(build.get("cache_from"), path + ".cache_from");
        boolean pull = flag(build.get("pull"), path + ".pull");
        boolean noCache = flag(build.get("no_cache"), path + ".no_cache");
        return context == null ? null
                : new ServiceBuild(name, image, context, dockerfileInWorkspace, args, target, labels, cacheFrom, pull, noCache);
    }

    /** The context relative to the workspace, or null (and a problem) when it is not a folder inside it. */
    private String context(String context, String path) {
        if (context == null) {
            return null;
        }
        if (context.contains("://") || context.startsWith("git@")) {
            problems.add(path + " '" + context + "' is a remote context; slipwayBuild builds folders of the workspace only");
            return null;
        }
        Path composeDir = Path.of(composePath).getParent();
        return inWorkspace(composeDir == null ? Path.of("") : composeDir, context, path);
    }

    private String inWorkspace(Path base, String relative, String path) {
        if (Path.of(relative).isAbsolute()) {
            problems.add(path + " '" + relative + "' is an absolute path; give it relative to "
                    + (path.endsWith(".dockerfile") ? "the build context" : "the Compose file"));
            return null;
        }
        Path resolved = base.resolve(relative).normalize();
        if (resolved.startsWith("..")) {
            problems.add(path + " '" + relative + "' is outside the workspace");
            return null;
        }
        String text = resolved.toString().replace('\\', '/');
        return text.isEmpty() ? "." : text;
    }

    private Map<String, String> keyValues(JsonNode node, String path, boolean fromEnvironment) {
        Map<String, String> result = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return result;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> put(result, e.getKey(),
                    e.getValue().isNull() ? null : text(e.getValue(), path + "." + e.getKey()), path, fromEnvironment));
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                String entry = text(item, path + "[]");
                if (entry != null) {
                    int eq = entry.indexOf('=');
                    put(result, eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? null : entry.substring(eq + 1),
                            path, fromEnvironment);
                }
            }
        } else {
            problems.add(path + " must be a mapping or a list of KEY=VALUE");
        }
        return result;
    }

    private void put(Map<String, String> result, String key, String value, String path, boolean fromEnvironment) {
        if (value != null) {
            result.put(key, value);
        } else if (!fromEnvironment) {
            result.put(key, "");
        } else if (env.get(key) != null) {
            result.put(key, env.get(key));
        } else {
            notes.add(path + "." + key + " has no value and the build's environment has no " + key
                    + ": the Dockerfile's default applies");
        }
    }

    private List<String> list(JsonNode node, String path) {
        List<String> result = new ArrayList<>();
        if (node == null || node.isNull()) {
            return result;
        }
        if (!node.isArray()) {
            problems.add(path + " must be a list of image references");
            return result;
        }
        for (JsonNode item : node) {
            String ref = text(item, path + "[]");
            if (ref != null) {
                result.add(ref);
            }
        }
        return result;
    }

    private boolean flag(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            problems.add(path + " must be true or false");
            return false;
        }
        return node.asBoolean();
    }

    private String text(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return null;
        }
        String value = scalar(node, path);
        if (value != null && value.contains("$")) {
            problems.add(path + " '" + value + "' uses variable interpolation, which slipwayBuild does not do; "
                    + "pass the value through the step's buildArgs or write it out");
            return null;
        }
        return value;
    }

    private String scalar(JsonNode node, String path) {
        if (!node.isValueNode()) {
            problems.add(path + " must be a single value");
            return null;
        }
        return node.asText();
    }

    private static List<String> names(JsonNode services) {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
