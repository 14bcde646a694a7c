package io.jenkins.plugins.slipway.runner.routing.netty;

import io.jenkins.plugins.slipway.runner.routing.OutlierDetection;

/**
 * One backend's outlier state: failures in a row, how often it was ejected, until when. The rules are
 * {@link OutlierDetection}'s; time comes in as an argument, so the state machine is tested without a clock.
 * Thread-safe: changes are synchronised, and the path every successful request takes reads one volatile field.
 */
final class Outlier {
    /** What went wrong with one attempt. */
    enum Failure {
        /** The connection was refused: nothing listens, the backend is out at once. */
        REFUSED,
        /** The backend did not accept the connection within the connect timeout (a full backlog: overloaded). */
        CONNECT_TIMEOUT,
        /** The connection was reset or closed before the answer was complete. */
        RESET,
        /** No answer started within the response timeout. */
        TIMEOUT
    }

    private final OutlierDetection rules;
    private volatile int consecutive;
    private volatile boolean ejected;
    private int ejections;
    private long ejectedUntil;
    private long returnedAt;
    private boolean everReturned;

    Outlier(OutlierDetection rules) {
        this.rules = rules;
    }

    boolean ejected() {
        return ejected;
    }

    /**
     * Counts a failure and decides whether it ejects the backend.
     *
     * @param ejectedSiblings backends of the same revision ejected now (this one not included)
     * @param siblings        backends of the revision, this one included
     * @return true when the backend is ejected by this failure
     */
    synchronized boolean failed(Failure f, long nowNanos, int ejectedSiblings, int siblings) {
        if (ejected) {
            return false;
        }
        consecutive++;
        boolean trips = f == Failure.REFUSED || consecutive >= rules.consecutiveFailures();
        if (!trips || !rules.mayEject(ejectedSiblings, siblings)) {
            return false;
        }
        // A backend that stayed in for longer than the longest ejection starts its count again.
        if (everReturned && nowNanos - returnedAt > rules.maxEjectionTime().toNanos()) {
            ejections = 0;
        }
        ejections++;
        ejectedUntil = nowNanos + rules.ejectionTime(ejections).toNanos();
        consecutive = 0;
        ejected = true;
        return true;
    }

    /** An answer came back whole: the failures in a row are over. */
    void succeeded() {
        if (consecutive != 0) {
            synchronized (this) {
                consecutive = 0;
            }
        }
    }

    /** Time left before an ejected backend may be probed back; 0 when it may be now. */
    synchronized long remainingNanos(long nowNanos) {
        return ejected ? Math.max(0, ejectedUntil - nowNanos) : 0;
    }

    /** A probe connected after the ejection time: the backend is back in rotation. */
    synchronized void returned(long nowNanos) {
        ejected = false;
        consecutive = 0;
        returnedAt = nowNanos;
        everReturned = true;
    }

    synchronized int ejections() {
        return ejections;
    }

    int consecutiveFailures() {
        return consecutive;
    }
}
