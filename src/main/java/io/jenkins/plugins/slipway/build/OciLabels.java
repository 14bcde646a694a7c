package io.jenkins.plugins.slipway.build;

import hudson.EnvVars;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels every image gets so it can be traced back to its source and its build: OCI annotations
 * for source, revision and creation time, and the Jenkins build URL, each only when known.
 * Source and revision come from GIT_URL and GIT_COMMIT, else from the build's Git checkout.
 * User-supplied labels win over these.
 *
 * @param labels every label the image gets
 * @param notes  for the build log: which labels Slipway added and from where, and which it could not
 */
record OciLabels(Map<String, String> labels, List<String> notes) {
    static final String SOURCE = "org.opencontainers.image.source";
    static final String REVISION = "org.opencontainers.image.revision";
    static final String CREATED = "org.opencontainers.image.created";
    static final String BUILD_URL = "io.jenkins.build.url";

    static OciLabels merge(EnvVars env, GitCheckout checkout, Map<String, String> userLabels, Instant now) {
        Map<String, String> labels = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        fromEnvOrCheckout(labels, notes, SOURCE, env, "GIT_URL", checkout.url(), checkout);
        fromEnvOrCheckout(labels, notes, REVISION, env, "GIT_COMMIT", checkout.commit(), checkout);
        String buildUrl = env.get("BUILD_URL");
        if (buildUrl != null && !buildUrl.isBlank()) {
            labels.put(BUILD_URL, buildUrl);
            notes.add(BUILD_URL + "=" + buildUrl + " (BUILD_URL)");
        }
        labels.put(CREATED, now.truncatedTo(ChronoUnit.SECONDS).toString());
        notes.add(CREATED + "=" + labels.get(CREATED));
        for (String key : userLabels.keySet()) {
            if (labels.containsKey(key)) {
                notes.add(key + ": the step's labels argument wins");
            }
        }
        labels.putAll(userLabels);
        return new OciLabels(labels, List.copyOf(notes));
    }

    private static void fromEnvOrCheckout(Map<String, String> labels, List<String> notes, String key, EnvVars env,
                                          String variable, String fromCheckout, GitCheckout checkout) {
        String value = env.get(variable);
        if (value != null && !value.isBlank()) {
            labels.put(key, value);
            notes.add(key + "=" + value + " (" + variable + ")");
        } else if (fromCheckout != null) {
            labels.put(key, fromCheckout);
            notes.add(key + "=" + fromCheckout + " (" + variable + " is unset: from the build's Git checkout"
                    + (checkout.checkouts() > 1 ? ", the first of " + checkout.checkouts() : "") + ")");
        } else {
            notes.add(key + " not added: " + variable + " is unset and the build has no Git checkout");
        }
    }
}
