package io.jenkins.plugins.slipway.runner.analysis;

import java.time.Duration;
import java.util.Locale;

/** Number formatting for measurement messages, the same in every provider. */
final class Figures {
    private Figures() {
    }

    /** {@code 71.4%}; with more decimals when one decimal would make a failing rate look equal to its threshold. */
    static String percent(double share, double against) {
        for (int decimals = 1; decimals <= 4; decimals++) {
            String a = String.format(Locale.ROOT, "%." + decimals + "f%%", share * 100);
            String b = String.format(Locale.ROOT, "%." + decimals + "f%%", against * 100);
            if (!a.equals(b) || share == against) {
                return a;
            }
        }
        return String.format(Locale.ROOT, "%.4f%%", share * 100);
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    /** {@code 38 ms}, {@code 0.4 ms}. */
    static String millis(double ms) {
        return ms >= 10 || ms == Math.rint(ms)
                ? String.format(Locale.ROOT, "%.0f ms", ms)
                : String.format(Locale.ROOT, "%.1f ms", ms);
    }

    static String duration(Duration d) {
        return io.jenkins.plugins.slipway.runner.release.spec.Durations.format(d);
    }

    /** Rounded for events: 0.714285 -> 0.7143. */
    static double round4(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
