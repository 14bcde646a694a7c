package io.jenkins.plugins.slipway.runner.analysis;

/**
 * How one measurement, one metric or one whole run turned out. Declared from best to worst, as Argo Rollouts
 * orders them: when several results meet, the worst wins.
 */
public enum Verdict {
    /** Every threshold held. */
    Successful,
    /** Not enough to judge (too little traffic): never a pass; the release pauses and says why. */
    Inconclusive,
    /** The measurement could not be made (timeout, connection refused); counts against {@code failureLimit}. */
    Error,
    /** A threshold was missed. */
    Failed;

    public boolean isWorseThan(Verdict other) {
        return compareTo(other) > 0;
    }

    public static Verdict worst(Verdict a, Verdict b) {
        return a.isWorseThan(b) ? a : b;
    }

    /** Upper case, as the verdict ends a human-readable line: {@code ...: FAILED}. */
    public String shout() {
        return name().toUpperCase(java.util.Locale.ROOT);
    }
}
