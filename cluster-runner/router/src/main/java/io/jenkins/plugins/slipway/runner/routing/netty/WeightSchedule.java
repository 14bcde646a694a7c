package io.jenkins.plugins.slipway.runner.routing.netty;

/**
 * Turns per-revision weights into a repeating schedule of slots, one slot per percent, laid out by smooth
 * weighted round robin (the nginx scheme): weights 25/75 give {@code 1,1,0,1,1,1,0,1,...}, never long runs of
 * one revision. Request {@code n} goes to {@code slots[n % slots.length]}, so every 100 consecutive weighted
 * requests split exactly by the weights, which keeps the split deterministic for tests and analysis alike.
 */
final class WeightSchedule {
    private WeightSchedule() {
    }

    /**
     * @param weights weight of each revision, by revision index; non-negative
     * @return revision index per slot, {@code sum(weights)} slots; empty when every weight is 0
     */
    static int[] build(int[] weights) {
        int total = 0;
        for (int w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("negative weight " + w);
            }
            total += w;
        }
        int[] slots = new int[total];
        int[] current = new int[weights.length];
        for (int s = 0; s < total; s++) {
            int best = -1;
            for (int i = 0; i < weights.length; i++) {
                current[i] += weights[i];
                if (weights[i] > 0 && (best < 0 || current[i] > current[best])) {
                    best = i;
                }
            }
            current[best] -= total;
            slots[s] = best;
        }
        return slots;
    }
}
