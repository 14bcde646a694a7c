package io.jenkins.plugins.slipway.runner.compose;

import java.util.Map;
import java.util.Set;

/**
 * The top-level {@code secrets:} and {@code configs:} of an app, by name, with where each value came from
 * ({@code file}, {@code environment}, {@code credential} or {@code content}): what a plan or a status may show.
 */
public record FileSources(Map<String, String> secrets, Map<String, String> configs) {
    public static final FileSources NONE = new FileSources(Map.of(), Map.of());

    public FileSources {
        secrets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(secrets));
        configs = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(configs));
    }

    Set<String> names(FileMount.Kind kind) {
        return (kind == FileMount.Kind.SECRET ? secrets : configs).keySet();
    }
}
