package io.jenkins.plugins.slipway.runner.routing;

import java.time.Duration;
import java.util.Objects;

/**
 * How the router takes failing backends out of rotation (outlier ejection, as Envoy's) and when it stops trusting
 * health at all (panic). The decisions are pure functions of counts, so they are table-tested on their own.
 * <ul>
 * <li>A refused connection ejects a backend at once; other failures (a reset before the answer, a connect or
 * response timeout) eject it after {@code consecutiveFailures} in a row, so that one slow answer on a busy
 * machine takes nobody out. An answer of the backend's own, 5xx included, is not a failure here: it is the
 * revision's answer, which the release analysis has to see.</li>
 * <li>An ejected backend stays out for {@code baseEjectionTime} times the number of times it was ejected (capped
 * at {@code maxEjectionTime}), and then until a probe connects.</li>
 * <li>At most {@code maxEjectionPercent} of a revision's backends are ejected at once (at least one may be).</li>
 * <li>When fewer than {@code panicThresholdPercent} of a revision's backends are healthy, health is ignored and
 * every backend not ejected takes traffic: better a slow or doubtful answer than none.</li>
 * </ul>
 *
 * @param consecutiveFailures   failures in a row (other than a refused connection) that eject a backend
 * @param baseEjectionTime      time out of rotation for a first ejection
 * @param maxEjectionTime       longest time out of rotation, however often the backend was ejected
 * @param maxEjectionPercent    share of a revision's backends that may be ejected at once
 * @param panicThresholdPercent below this share of healthy backends a revision routes to all of them
 */
public record OutlierDetection(int consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime,
                               int maxEjectionPercent, int panicThresholdPercent) {
    public OutlierDetection {
        Objects.requireNonNull(baseEjectionTime, "baseEjectionTime");
        Objects.requireNonNull(maxEjectionTime, "maxEjectionTime");
        if (consecutiveFailures < 1) {
            throw new IllegalArgumentException("consecutiveFailures must be at least 1, not " + consecutiveFailures);
        }
        if (maxEjectionPercent < 0 || maxEjectionPercent > 100 || panicThresholdPercent < 0
                || panicThresholdPercent > 100) {
            throw new IllegalArgumentException("maxEjectionPercent and panicThresholdPercent must be 0..100, not "
                    + maxEjectionPercent + " and " + panicThresholdPercent);
        }
    }

    /** 5 failures in a row, 1 s growing to 30 s out, at most half a revision ejected, panic below half healthy. */
    public static OutlierDetection defaults() {
        return new OutlierDetection(5, Duration.ofSeconds(1), Duration.ofSeconds(30), 50, 50);
    }

    /** How many of a revision's {@code total} backends may be ejected at the same time. */
    public int maxEjected(int total) {
        if (total == 0 || maxEjectionPercent == 0) {
            return 0;
        }
        return Math.max(1, total * maxEjectionPercent / 100);
    }

    /** Whether one more backend may be ejected while {@code ejected} of the revision's {@code total} are. */
    public boolean mayEject(int ejected, int total) {
        return ejected < maxEjected(total);
    }

    /** Whether a revision with {@code healthy} of {@code total} backends healthy routes to all of them. */
    public boolean inPanic(int healthy, int total) {
        return total > 0 && healthy * 100 < total * panicThresholdPercent;
    }

    /** How long a backend ejected for the {@code ejections}-th time (1 for the first) stays out. */
    public Duration ejectionTime(int ejections) {
        Duration d = baseEjectionTime.multipliedBy(Math.max(1, ejections));
        return d.compareTo(maxEjectionTime) > 0 ? maxEjectionTime : d;
    }
}
