package io.jenkins.plugins.slipway.runner.autoscale;

import io.jenkins.plugins.slipway.runner.compose.Autoscale;
import java.util.Locale;

/**
 * One target's figure over the last measuring window.
 *
 * @param perReplica the measured value divided by the ready replicas
 * @param goal       the target per replica the file asks for
 */
public record Measurement(Autoscale.Target target, double perReplica, double goal) {
    /** How far the measure is from the goal: 1 on target, 2 for twice the goal. */
    double ratio() {
        return perReplica / goal;
    }

    /** "142 req/s per replica > 50 target". */
    String describe() {
        String cmp = perReplica > goal ? ">" : perReplica < goal ? "<" : "=";
        return figure(perReplica) + " " + target.unit() + " per replica " + cmp + " " + figure(goal) + " target";
    }

    static String figure(double v) {
        return v >= 10 || v == Math.rint(v) ? String.valueOf(Math.round(v)) : String.format(Locale.ROOT, "%.1f", v);
    }
}
