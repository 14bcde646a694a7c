package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A service's {@code env_file}: the files' text came with the deploy ({@link FileInputs#envFiles()}, read by the
 * client relative to the Compose file); their variables go under the service's {@code environment}.
 */
final class EnvFiles {
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private EnvFiles() {
    }

    /**
     * The service's environment with its {@code env_file}s under it, as Compose merges them: the files in order
     * (a later file wins), then {@code environment} over all of them.
     */
    static Map<String, String> environment(String service, JsonNode envFile, Map<String, String> environment,
                                           FileInputs inputs, Problems p) {
        if (envFile == null) {
            return environment;
        }
        String path = "services." + service + ".env_file";
        List<JsonNode> items = new ArrayList<>();
        if (envFile.isArray()) {
            envFile.forEach(items::add);
        } else {
            items.add(envFile);
        }
        Map<String, String> merged = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String at = envFile.isArray() ? path + "[" + i + "]" : path;
            String file;
            boolean required = true;
            if (item.isTextual()) {
                file = item.asText();
            } else if (item.isObject() && item.path("path").isTextual()) {
                file = item.get("path").asText();
                required = item.path("required").asBoolean(true);
            } else {
                p.error(at, "must be a path or a mapping with path: and required:");
                continue;
            }
            String text = inputs.envFiles().get(file);
            if (text == null) {
                if (required) {
                    p.error(at, file + " did not come with the deploy: the client reads env files where the deploy"
                            + " runs (slipwayDeploy and slipway-runner deploy -f do) and sends them as envFiles");
                }
                continue;
            }
            merged.putAll(dotenv(text, at + " (" + file + ")", p));
        }
        merged.putAll(environment);
        return merged;
    }

    /**
     * The variables of an env file as Compose reads them: {@code KEY=VALUE} lines, {@code #} comments and blank
     * lines skipped, an optional {@code export }, values in double quotes (with {@code \n}, {@code \t},
     * {@code \"} and {@code \\} escapes) or single quotes (literal), unquoted values up to an inline
     * {@code " #"} comment. A line without {@code =} is an error: Compose would take the value from the deploying
     * shell, which the runner does not have.
     */
    static Map<String, String> dotenv(String text, String path, Problems p) {
        Map<String, String> out = new LinkedHashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip();
            if (eq < 0 || !ENV_KEY.matcher(key).matches()) {
                p.error(path, "line " + (i + 1) + " is not KEY=VALUE" + (eq < 0 && ENV_KEY.matcher(key).matches()
                        ? " (a bare name takes its value from the deploying shell; write " + key + "=value)" : ""));
                continue;
            }
            out.put(key, value(line.substring(eq + 1).strip()));
        }
        return out;
    }

    private static String value(String raw) {
        if (raw.length() >= 2 && raw.startsWith("'") && raw.indexOf('\'', 1) > 0) {
            return raw.substring(1, raw.indexOf('\'', 1));
        }
        if (raw.startsWith("\"")) {
            StringBuilder b = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\' && i + 1 < raw.length()) {
                    char e = raw.charAt(++i);
                    b.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> e;
                    });
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
        int comment = raw.indexOf(" #");
        return comment < 0 ? raw : raw.substring(0, comment).strip();
    }
}
