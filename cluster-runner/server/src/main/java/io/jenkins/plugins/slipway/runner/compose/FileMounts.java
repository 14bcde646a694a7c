package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a Compose file's secrets and configs: the top-level {@code secrets:} and {@code configs:} (each with one
 * source) and each service's {@code secrets:} and {@code configs:} (short form or
 * {@code source}/{@code target}/{@code uid}/{@code gid}/{@code mode}). The values themselves were read by the
 * client and arrive as {@link FileInputs} (digests only); a source whose value did not come is an error naming it.
 * {@link EnvFiles} reads {@code env_file}.
 */
final class FileMounts {
    static final Set<String> TOP_KEYS = Set.of("secrets", "configs");
    static final Set<String> SERVICE_KEYS = Set.of("secrets", "configs", "env_file");
    private static final Set<String> DEFINITION = Set.of("file", "environment", "content", "external", "name",
            "x-slipway");
    private static final Set<String> MOUNT = Set.of("source", "target", "uid", "gid", "mode");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final int DEFAULT_MODE = 0444;
    /** The source kind of a definition with {@code external: true}. */
    private static final String EXTERNAL = "external";

    private FileMounts() {
    }

    /** The top-level {@code secrets:} and {@code configs:}; also checks that no value came for an unknown name. */
    static FileSources sources(JsonNode root, FileInputs inputs, Problems p) {
        Map<String, String> secrets = definitions(root.get("secrets"), FileMount.Kind.SECRET, inputs, p);
        Map<String, String> configs = definitions(root.get("configs"), FileMount.Kind.CONFIG, inputs, p);
        return new FileSources(secrets, configs);
    }

    private static Map<String, String> definitions(JsonNode defs, FileMount.Kind kind, FileInputs inputs, Problems p) {
        Map<String, String> out = new LinkedHashMap<>();
        String section = kind.key();
        if (defs != null && !defs.isObject()) {
            p.error(section, "must be a mapping of names to definitions");
        } else if (defs != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = defs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String source = definition(e.getKey(), e.getValue(), kind, inputs, p);
                if (source != null) {
                    out.put(e.getKey(), source);
                }
            }
        }
        for (String sent : inputs.digests(kind).keySet()) {
            if (!out.containsKey(sent)) {
                p.error(section + "." + sent, "a value came with the deploy for " + section + "." + sent
                        + ", but the Compose file declares no such " + (kind == FileMount.Kind.SECRET ? "secret" : "config"));
            }
        }
        return out;
    }

    /** The definition's source kind, or null when it is invalid (the problem is recorded). */
    private static String definition(String name, JsonNode d, FileMount.Kind kind, FileInputs inputs, Problems p) {
        String path = kind.key() + "." + name;
        if (!NAME.matcher(name).matches()) {
            p.error(path, "name must be letters, digits, '.', '_' or '-' (at most 64)");
        }
        if (d == null || !d.isObject()) {
            p.error(path, "must be a mapping with file:, environment:"
                    + (kind == FileMount.Kind.SECRET ? " or x-slipway.credentialsId:" : " or content:"));
            return null;
        }
        for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!DEFINITION.contains(key) || key.equals("content") && kind == FileMount.Kind.SECRET) {
                p.error(path + "." + key, "is not a key of a " + (kind == FileMount.Kind.SECRET ? "secret" : "config")
                        + " the runner knows; refused rather than ignored");
            }
        }
        if (d.has("external")) {
            return external(d, path, p);
        }
        JsonNode x = d.get("x-slipway");
        boolean credential = false;
        if (x != null) {
            if (!x.isObject()) {
                p.error(path + ".x-slipway", "must be a mapping");
            } else {
                for (Iterator<String> it = x.fieldNames(); it.hasNext(); ) {
                    String key = it.next();
                    if (!key.equals("credentialsId") || kind == FileMount.Kind.CONFIG) {
                        p.error(path + ".x-slipway." + key, "is not a key the runner knows here"
                                + (kind == FileMount.Kind.CONFIG ? " (a Jenkins credential is a secret: declare it under secrets:)" : ""));
                    }
                }
                credential = x.path("credentialsId").isTextual() && kind == FileMount.Kind.SECRET;
            }
        }
        List<String> given = new ArrayList<>();
        for (String key : List.of("file", "environment", "content")) {
            if (d.has(key)) {
                if (!d.get(key).isTextual() || d.get(key).asText().isEmpty()) {
                    p.error(path + "." + key, "must be a non-empty string");
                }
                given.add(key);
            }
        }
        if (credential) {
            given.add("credential");
        }
        if (given.size() != 1) {
            p.error(path, given.isEmpty() ? "says nowhere to take the value from: give file:, environment:"
                    + (kind == FileMount.Kind.SECRET ? " or x-slipway.credentialsId:" : " or content:")
                    : "gives " + String.join(" and ", given) + "; give exactly one source");
            return null;
        }
        String source = given.get(0);
        if (d.has("name")) {
            p.warn(path + ".name", "ignored: the name a platform gives the object changes nothing on this engine");
        }
        if (!source.equals("content") && !inputs.digests(kind).containsKey(name)) {
            p.error(path, "its value did not come with the deploy: the client reads " + (source.equals("credential")
                    ? "the Jenkins credential (slipwayDeploy does; the CLI cannot)" : "the " + source
                    + " where the deploy runs (slipwayDeploy and slipway-runner deploy -f do)")
                    + " and sends it as " + kind.key() + "." + name + " in the request");
        }
        return source;
    }

    /**
     * {@code external: true}: the object exists on the engine already (a Swarm secret made with {@code docker secret
     * create}), under {@code name:} or else the definition's own name; the runner takes no value for it. Whether the
     * engine in use has such objects is the engine's to say at deploy.
     */
    private static String external(JsonNode d, String path, Problems p) {
        if (!d.get("external").isBoolean()) {
            p.error(path + ".external", "must be true or false");
            return null;
        }
        if (!d.get("external").asBoolean()) {
            p.error(path + ".external", "false says nothing: give the value with file: or environment: instead");
            return null;
        }
        List<String> values = new ArrayList<>();
        for (String key : List.of("file", "environment", "content", "x-slipway")) {
            if (d.has(key)) {
                values.add(key);
            }
        }
        if (!values.isEmpty()) {
            p.error(path, "is external, so the engine holds its value: " + String.join(" and ", values)
                    + " would give another; give either external: true or a value");
            return null;
        }
        if (d.has("name") && (!d.get("name").isTextual() || !NAME.matcher(d.get("name").asText()).matches())) {
            p.error(path + ".name", "must be the name of the existing object: letters, digits, '.', '_' or '-'"
                    + " (at most 64)");
            return null;
        }
        return EXTERNAL;
    }

    /** A service's {@code secrets:} and {@code configs:}, in file order, secrets first. */
    static List<FileMount> mounts(String service, JsonNode n, JsonNode root, FileSources sources, FileInputs inputs,
                                  Problems p) {
        List<FileMount> out = new ArrayList<>();
        Set<String> targets = new HashSet<>();
        for (FileMount.Kind kind : FileMount.Kind.values()) {
            String path = "services." + service + "." + kind.key();
            JsonNode list = n.get(kind.key());
            if (list == null) {
                continue;
            }
            if (!list.isArray()) {
                p.error(path, "must be a list of names or of {source, target, uid, gid, mode}");
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                FileMount m = mount(list.get(i), kind, path + "[" + i + "]", root, sources, inputs, p);
                if (m != null) {
                    if (!targets.add(m.target())) {
                        p.error(path + "[" + i + "].target", m.target() + " is already the target of another secret or config of the service");
                    }
                    out.add(m);
                }
            }
        }
        return List.copyOf(out);
    }

    private static FileMount mount(JsonNode m, FileMount.Kind kind, String path, JsonNode root, FileSources sources,
                                   FileInputs inputs, Problems p) {
        String source;
        JsonNode target = null;
        int uid = 0;
        int gid = 0;
        int mode = DEFAULT_MODE;
        if (m.isTextual()) {
            source = m.asText();
        } else if (m.isObject()) {
            for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!MOUNT.contains(key)) {
                    p.error(path + "." + key, "is not a key of a mount; use source, target, uid, gid or mode");
                }
            }
            source = m.path("source").isTextual() ? m.get("source").asText() : null;
            if (source == null) {
                p.error(path + ".source", "is required: the name of a top-level " + kind.key() + " entry");
                return null;
            }
            target = m.get("target");
            uid = id(m.get("uid"), path + ".uid", p);
            gid = id(m.get("gid"), path + ".gid", p);
            mode = mode(m.get("mode"), path + ".mode", p);
        } else {
            p.error(path, "must be a name or a mapping with source:");
            return null;
        }
        if (!sources.names(kind).contains(source)) {
            boolean declared = root.path(kind.key()).has(source);
            if (!declared) {
                p.error(path, source + " is not declared under the top-level " + kind.key() + ": (declared: "
                        + sources.names(kind) + ")");
            }
            return null;
        }
        String where = target(target, source, kind, path + ".target", p);
        String sourceKind = kind == FileMount.Kind.SECRET ? sources.secrets().get(source) : sources.configs().get(source);
        JsonNode definition = root.path(kind.key()).path(source);
        if (EXTERNAL.equals(sourceKind)) {
            return new FileMount(kind, source, where, uid, gid, mode, null, null,
                    definition.path("name").asText(source));
        }
        String content = "content".equals(sourceKind) ? definition.path("content").asText() : null;
        return new FileMount(kind, source, where, uid, gid, mode, content == null ? inputs.digests(kind).get(source) : null,
                content);
    }

    private static String target(JsonNode n, String source, FileMount.Kind kind, String path, Problems p) {
        if (n == null) {
            return kind.defaultDirectory() + source;
        }
        if (!n.isTextual() || n.asText().isBlank()) {
            p.error(path, "must be a path");
            return kind.defaultDirectory() + source;
        }
        String t = n.asText();
        String absolute = t.startsWith("/") ? t : kind.defaultDirectory() + t;
        if (absolute.chars().anyMatch(c -> c < 0x20 || c == 0x7f) || absolute.endsWith("/")
                || List.of(absolute.split("/")).stream().anyMatch(s -> s.equals("..") || s.equals("."))
                || absolute.contains("//")) {
            p.error(path, "must be a plain file path without '.', '..', '//' or control characters, got \""
                    + ComposeParser.printable(t) + "\"");
        }
        return absolute;
    }

    private static int id(JsonNode n, String path, Problems p) {
        if (n == null) {
            return 0;
        }
        String s = n.isTextual() || n.isIntegralNumber() ? n.asText() : "";
        if (!s.matches("\\d{1,9}")) {
            p.error(path, "must be a numeric id, got " + n);
            return 0;
        }
        return Integer.parseInt(s);
    }

    /**
     * Compose writes modes in octal: {@code 0440}, which the YAML reader reads as the octal number it is (288), or
     * a string {@code "0440"}, read as octal here.
     */
    private static int mode(JsonNode n, String path, Problems p) {
        if (n == null) {
            return DEFAULT_MODE;
        }
        int mode = -1;
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            mode = n.asInt();
        } else if (n.isTextual() && n.asText().matches("0?[0-7]{1,3}")) {
            mode = Integer.parseInt(n.asText(), 8);
        }
        if (mode < 0 || mode > 0777) {
            p.error(path, "must be permission bits, 0 to 0777 in octal (like 0440), got " + n);
            return DEFAULT_MODE;
        }
        return mode;
    }
}
