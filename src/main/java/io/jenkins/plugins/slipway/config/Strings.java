package io.jenkins.plugins.slipway.config;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.LinkedHashMap;
import java.util.Map;

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

    /**
     * A map from the DSL as text: a Groovy map literal reaches a step's setter as it is, behind the erased
     * {@code Map} parameter, so its values may be numbers, booleans or GStrings ({@code [PORT: 8080]}).
     * Each key and value keeps its text; a null value becomes "". Null or empty gives an empty map.
     */
    public static Map<String, String> textMap(@CheckForNull Map<?, ?> map) {
        Map<String, String> text = new LinkedHashMap<>();
        if (map != null) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                text.put(String.valueOf(e.getKey()), e.getValue() == null ? "" : String.valueOf(e.getValue()));
            }
        }
        return text;
    }
}
