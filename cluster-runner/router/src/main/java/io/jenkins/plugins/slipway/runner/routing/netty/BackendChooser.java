package io.jenkins.plugins.slipway.runner.routing.netty;

/**
 * Picks one backend among a revision's replicas: the eligible one with the fewest requests in flight, ties
 * broken by scanning from a rotating start so that equally loaded replicas take turns (round robin when every
 * request is quick, least-in-flight when some are slow). Eligible means available (healthy and not ejected), or in
 * panic mode merely not ejected.
 */
final class BackendChooser {
    /** What the chooser needs to know of a backend. */
    interface Candidate {
        /** Healthy by the runner's verdict and not ejected by the router. */
        boolean available();

        /** Taken out by the router (refused connections, failures in a row): not even panic sends to it. */
        boolean ejected();

        /** Requests currently in flight to it from one lane (event loop). */
        int load(int lane);
    }

    private BackendChooser() {
    }

    /** Candidates that are available (healthy and not ejected). */
    static int available(Candidate[] candidates) {
        int n = 0;
        for (Candidate c : candidates) {
            if (c.available()) {
                n++;
            }
        }
        return n;
    }

    /** Candidates ejected by the router. */
    static int ejected(Candidate[] candidates) {
        int n = 0;
        for (Candidate c : candidates) {
            if (c.ejected()) {
                n++;
            }
        }
        return n;
    }

    /**
     * @param candidates the revision's backends
     * @param start      rotation counter; any value, only its remainder matters
     * @param excluded   backends already tried for this request (may be null)
     * @param lane       the lane choosing: loads are compared as that lane sees them
     * @param panic      true to ignore health: every backend not ejected is eligible
     * @return index into {@code candidates}, or -1 when none is eligible
     */
    static int choose(Candidate[] candidates, long start, Object[] excluded, int lane, boolean panic) {
        int n = candidates.length;
        if (n == 0) {
            return -1;
        }
        int first = (int) Math.floorMod(start, (long) n);
        int best = -1;
        int bestLoad = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = first + k;
            if (i >= n) {
                i -= n;
            }
            Candidate c = candidates[i];
            if (!(panic ? !c.ejected() : c.available()) || contains(excluded, c)) {
                continue;
            }
            int load = c.load(lane);
            if (load < bestLoad) {
                best = i;
                bestLoad = load;
                if (load == 0) {
                    break;
                }
            }
        }
        return best;
    }

    private static boolean contains(Object[] excluded, Object c) {
        if (excluded == null) {
            return false;
        }
        for (Object e : excluded) {
            if (e == c) {
                return true;
            }
        }
        return false;
    }
}
