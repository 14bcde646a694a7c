package io.jenkins.plugins.slipway.runner.autoscale;

/**
 * What one pass of the autoscaler decided for a service.
 *
 * @param from        the replicas it had
 * @param to          the replicas it is to have; equal to {@code from} when nothing changes
 * @param recommended what the measures alone asked for, before stabilization, step limits and min..max
 * @param reason      the measure that asked for the most replicas (the one that wins)
 * @param limitedBy   what held the count back from {@code recommended} ("scaleUp step", "max", ...), or null
 */
public record Decision(int from, int to, int recommended, Measurement reason, String limitedBy) {
    public boolean changes() {
        return to != from;
    }

    /** "web: 1 → 3 replicas, 142 req/s per replica > 50 target". */
    public String describe(String service) {
        return service + ": " + from + " → " + to + " replicas, " + reason.describe()
                + (limitedBy == null ? "" : " (" + recommended + " recommended, limited by " + limitedBy + ")");
    }
}
