package io.jenkins.plugins.slipway.deploy;

import io.jenkins.plugins.slipway.runner.client.EventTypes;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Turns runner events into build-log lines a person can follow: when, which release, what kind of
 * event, and the runner's own sentence, e.g.
 * {@code [slipway] 12:00:03 shop#5 TrafficShifted traffic web: rev 4 75% / rev 5 25%}.
 */
final class ReleaseLog {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private ReleaseLog() {
    }

    static String line(ReleaseEvent event, int revision) {
        return "[slipway] " + clock(event.time()) + " " + event.app() + "#" + revision + " "
                + event.type() + " " + (event.message() == null ? "" : event.message());
    }

    /** True when the release stopped to wait for a person rather than for a clock. */
    static boolean isIndefinitePause(ReleaseEvent event) {
        if (!EventTypes.RELEASE_PAUSED.equals(event.type())) {
            return false;
        }
        Map<String, Object> data = event.data();
        Object indefinite = data.get("indefinite");
        if (indefinite instanceof Boolean b) {
            return b;
        }
        return data.get("until") == null && data.get("durationSeconds") == null;
    }

    private static String clock(String isoInstant) {
        if (isoInstant == null) {
            return "--:--:--";
        }
        try {
            return CLOCK.format(Instant.parse(isoInstant));
        } catch (DateTimeParseException e) {
            return isoInstant;
        }
    }
}
