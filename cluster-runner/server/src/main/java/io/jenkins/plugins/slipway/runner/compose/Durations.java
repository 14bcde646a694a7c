package io.jenkins.plugins.slipway.runner.compose;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Compose durations ({@code 1m30s}, {@code 500ms}, {@code 10s}, {@code 1h}) and byte sizes ({@code 512m}). */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|us|ns|h|m|s)");
    private static final Pattern SIZE = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)i?b?");

    private Durations() {
    }

    /** Parses a duration, or returns null when the text is not one. */
    public static Duration parse(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            return null;
        }
        Matcher m = PART.matcher(t);
        int end = 0;
        double nanos = 0;
        while (m.find()) {
            if (m.start() != end) {
                return null;
            }
            end = m.end();
            double v = Double.parseDouble(m.group(1));
            nanos += v * switch (m.group(2)) {
                case "h" -> 3.6e12;
                case "m" -> 6e10;
                case "s" -> 1e9;
                case "ms" -> 1e6;
                case "us" -> 1e3;
                default -> 1;
            };
        }
        return end == t.length() ? Duration.ofNanos((long) nanos) : null;
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

    /** Human form for messages: {@code 420 ms}, {@code 12.5 s}. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
}
