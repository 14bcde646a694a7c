package io.jenkins.plugins.slipway.config;

import edu.umd.cs.findbugs.annotations.CheckForNull;

/** Form and DSL values arrive as "" when left blank; the model keeps null instead. */
public final class Strings {
    private Strings() {
    }

    public static @CheckForNull String fixEmpty(@CheckForNull String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }
}
