package io.jenkins.plugins.slipway.runner.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Compose file needs from the machine it is deployed from, read there before the deploy: the values of its
 * top-level {@code secrets:} and {@code configs:} ({@code file:} relative to the Compose file, {@code environment:}
 * from the deploying environment, {@code x-slipway.credentialsId} from Jenkins) and the text of every
 * {@code env_file} a service names. The runner never sees the deploying machine's files or environment; it gets
 * these values in the {@link DeployRequest} and checks the file's structure itself, so this class reads only what
 * it can find and leaves every other mistake to the runner's 400, which names them all.
 */
public final class ComposeInputs {
    private ComposeInputs() {
    }

    /** Where the values come from; every method names the field path in what it throws. */
    public interface Sources {
        /** The bytes of {@code path}, relative to the Compose file's directory unless absolute. */
        byte[] file(String path) throws IOException;

        /** A variable of the deploying environment, or null when it is not set. */
        String environment(String name);

        /**
         * The content of a Jenkins credential (Secret text or Secret file).
         *
         * @param where the field path, for the message
         * @throws IOException when there is no such credential for this deploy, or credentials cannot be read here
         */
        byte[] credential(String id, String where) throws IOException;
    }

    /**
     * The values read, by secret or config name and by env file path.
     *
     * @param secrets  secret name to value, in file order
     * @param configs  config name to content (inline {@code content:} configs are not here: the file holds them)
     * @param envFiles env file path, as written in the file, to its text
     */
    public record Values(Map<String, byte[]> secrets, Map<String, byte[]> configs, Map<String, String> envFiles) {
        public static final Values NONE = new Values(Map.of(), Map.of(), Map.of());

        public Values {
            secrets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(secrets));
            configs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(configs));
            envFiles = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(envFiles));
        }

        /** Names only, never values. */
        @Override
        public String toString() {
            return "Values[secrets=" + secrets.keySet() + ", configs=" + configs.keySet() + ", envFiles="
                    + envFiles.keySet() + "]";
        }
    }

    /**
     * Reads every value {@code compose} (the parsed Compose file) asks for.
     *
     * @throws IOException naming the field path, when a file cannot be read, a variable is not set or a credential
     *                     is not available
     */
    public static Values read(JsonNode compose, Sources sources) throws IOException {
        if (compose == null || !compose.isObject()) {
            return Values.NONE;
        }
        return new Values(definitions(compose.get("secrets"), "secrets", sources),
                definitions(compose.get("configs"), "configs", sources), envFiles(compose.get("services"), sources));
    }

    private static Map<String, byte[]> definitions(JsonNode defs, String kind, Sources sources) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (defs == null || !defs.isObject()) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = defs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = kind + "." + e.getKey();
            JsonNode d = e.getValue();
            if (d == null || !d.isObject()) {
                continue;
            }
            // Only a secret may come from a Jenkins credential; the runner refuses the key on a config.
            JsonNode credential = kind.equals("secrets") ? d.path("x-slipway").get("credentialsId") : null;
            if (d.path("file").isTextual()) {
                String file = d.get("file").asText();
                try {
                    out.put(e.getKey(), sources.file(file));
                } catch (FileNotFoundException | java.nio.file.NoSuchFileException missing) {
                    throw new IOException(path + ".file: " + file + " does not exist (it is read relative to the"
                            + " Compose file)", missing);
                }
            } else if (d.path("environment").isTextual()) {
                String variable = d.get("environment").asText();
                String value = sources.environment(variable);
                if (value == null) {
                    throw new IOException(path + ".environment: the variable " + variable
                            + " is not set in the environment the deploy runs in");
                }
                out.put(e.getKey(), value.getBytes(StandardCharsets.UTF_8));
            } else if (credential != null && credential.isTextual()) {
                out.put(e.getKey(), sources.credential(credential.asText(), path + ".x-slipway.credentialsId"));
            }
        }
        return out;
    }

    private static Map<String, String> envFiles(JsonNode services, Sources sources) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        if (services == null || !services.isObject()) {
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = "services." + e.getKey() + ".env_file";
            for (EnvFile f : envFileList(e.getValue().get("env_file"))) {
                if (out.containsKey(f.path)) {
                    continue;
                }
                try {
                    out.put(f.path, new String(sources.file(f.path), StandardCharsets.UTF_8));
                } catch (FileNotFoundException | java.nio.file.NoSuchFileException missing) {
                    if (f.required) {
                        throw new IOException(path + ": " + f.path + " does not exist (it is read relative to the"
                                + " Compose file; write required: false if it may be absent)", missing);
                    }
                }
            }
        }
        return out;
    }

    private record EnvFile(String path, boolean required) {
    }

    /** Compose's forms: a path, a list of paths, or a list of {@code {path, required}}. */
    private static List<EnvFile> envFileList(JsonNode n) {
        List<EnvFile> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isTextual()) {
            out.add(new EnvFile(n.asText(), true));
        } else if (n.isArray()) {
            for (JsonNode item : n) {
                if (item.isTextual()) {
                    out.add(new EnvFile(item.asText(), true));
                } else if (item.isObject() && item.path("path").isTextual()) {
                    out.add(new EnvFile(item.get("path").asText(), item.path("required").asBoolean(true)));
                }
            }
        }
        return out;
    }
}
