package io.jenkins.plugins.slipway.build;

import hudson.EnvVars;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels every image gets so it can be traced back to its source and its build: OCI annotations
 * for source, revision and creation time, and the Jenkins build URL, each only when known.
 * User-supplied labels win over these.
 */
final class OciLabels {
    static final String SOURCE = "org.opencontainers.image.source";
    static final String REVISION = "org.opencontainers.image.revision";
    static final String CREATED = "org.opencontainers.image.created";
    static final String BUILD_URL = "io.jenkins.build.url";

    private OciLabels() {
    }

    static Map<String, String> merge(EnvVars env, Map<String, String> userLabels, Instant now) {
        Map<String, String> labels = new TreeMap<>();
        putIfKnown(labels, SOURCE, env.get("GIT_URL"));
        putIfKnown(labels, REVISION, env.get("GIT_COMMIT"));
        putIfKnown(labels, BUILD_URL, env.get("BUILD_URL"));
        labels.put(CREATED, now.truncatedTo(ChronoUnit.SECONDS).toString());
        labels.putAll(userLabels);
        return labels;
    }

    private static void putIfKnown(Map<String, String> labels, String key, String value) {
        if (value != null && !value.isBlank()) {
            labels.put(key, value);
        }
    }
}
