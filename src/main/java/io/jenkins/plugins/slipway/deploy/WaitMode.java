package io.jenkins.plugins.slipway.deploy;

import java.util.Locale;

/** How long {@code slipwayDeploy} waits before it returns. */
public enum WaitMode {
    /** Until the release ends: succeeds only when it succeeded. */
    COMPLETION,
    /** Until the release ends or reaches a pause that waits for a person (then a pipeline can ask with input). */
    PAUSE,
    /** Returns once the runner accepted the release. */
    NONE;

    /** Reads the step's {@code wait:} argument; null means the default, {@code completion}. */
    public static WaitMode parse(String value) {
        if (value == null || value.isBlank()) {
            return COMPLETION;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("slipwayDeploy: wait must be 'completion', 'pause' or 'none', got '"
                    + value + "'", e);
        }
    }

    /** The value as the pipeline spells it. */
    public String symbol() {
        return name().toLowerCase(Locale.ROOT);
    }
}
