package io.jenkins.plugins.slipway.runner.autoscale;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last few seconds of one revision's load: the router's cumulative request count and the requests in flight,
 * sampled once a pass. The request rate is the count's rise over the window, so one slow pass does not show as a
 * burst; in flight is the mean of the window's samples.
 */
final class LoadSamples {
    private final long windowNanos;
    private final Deque<Sample> samples = new ArrayDeque<>();

    LoadSamples(long windowNanos) {
        this.windowNanos = windowNanos;
    }

    void add(long nanos, long requests, int inFlight) {
        samples.addLast(new Sample(nanos, requests, inFlight));
        // Keep the newest sample at least a window old as the baseline; older ones are of no more use.
        while (samples.size() > 2 && nanos - second().nanos >= windowNanos) {
            samples.removeFirst();
        }
    }

    /** True once there are two samples to measure a rate between. */
    boolean measured() {
        return samples.size() >= 2;
    }

    /** Requests per second between the oldest and the newest sample; a counter that went back counts from 0. */
    double requestsPerSecond() {
        Sample first = samples.getFirst();
        Sample last = samples.getLast();
        long requests = last.requests >= first.requests ? last.requests - first.requests : last.requests;
        double seconds = (last.nanos - first.nanos) / 1e9;
        return seconds <= 0 ? 0 : requests / seconds;
    }

    /** Mean requests in flight over the samples after the baseline. */
    double inFlight() {
        return samples.stream().skip(1).mapToInt(Sample::inFlight).average().orElse(0);
    }

    private Sample second() {
        var it = samples.iterator();
        it.next();
        return it.next();
    }

    private record Sample(long nanos, long requests, int inFlight) {
    }
}
