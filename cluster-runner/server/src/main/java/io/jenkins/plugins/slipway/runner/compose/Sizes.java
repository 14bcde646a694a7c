package io.jenkins.plugins.slipway.runner.compose;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte sizes in Compose files: {@code 512m}, {@code 1g}, {@code 1048576}. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)i?b?");

    private Sizes() {
    }

    /** Parses a byte size ({@code 512m}, {@code 1g}, {@code 1048576}), or returns -1 when the text is not one. */
    public static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            return -1;
        }
        double v = Double.parseDouble(m.group(1));
        int shift = switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        return (long) (v * (1L << shift));
    }
}
