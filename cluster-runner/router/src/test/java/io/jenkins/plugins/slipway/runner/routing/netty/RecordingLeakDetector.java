package io.jenkins.plugins.slipway.runner.routing.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector, keeping what it reports so a test can fail on it. Production runs without leak
 * detection ({@code Routers.leakDetectionOffUnlessAsked}); the router's tests run every buffer under the paranoid
 * level with this detector (surefire sets {@code io.netty.customResourceLeakDetector} and
 * {@code io.netty.leakDetection.level} in this module's pom), and {@link #assertNoLeaks()} turns a report into a
 * failure instead of a log line.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked (no records)");
        super.reportUntracedLeak(resourceType);
    }

    /** Whether the tests run under this detector at the paranoid level, as the pom sets them up. */
    static boolean active() {
        return ResourceLeakDetector.getLevel() == Level.PARANOID
                && RecordingLeakDetector.class.getName().equals(System.getProperty("io.netty.customResourceLeakDetector"));
    }

    /**
     * Collects garbage a few times and lets the detector look at what was collected (it looks when a buffer is
     * next allocated), then fails when any buffer was collected without having been released.
     */
    static void assertNoLeaks() {
        if (!active()) {
            throw new AssertionError("leak detection is not set up: run through Maven (see the router's pom)");
        }
        for (int round = 0; round < 10 && LEAKS.isEmpty(); round++) {
            collectAndLook();
        }
        if (!LEAKS.isEmpty()) {
            throw new AssertionError(LEAKS.size() + " buffer(s) leaked; first: " + LEAKS.get(0));
        }
    }

    /** One garbage collection, then an allocation, at which the detector reports what was collected unreleased. */
    static void collectAndLook() {
        System.gc();
        ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        probe.release();
    }

    /** The leaks reported so far, forgotten from now on. */
    static List<String> takeReports() {
        List<String> taken = List.copyOf(LEAKS);
        LEAKS.removeAll(taken);
        return taken;
    }
}
