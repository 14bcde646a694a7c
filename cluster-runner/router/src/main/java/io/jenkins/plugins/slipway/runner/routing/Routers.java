package io.jenkins.plugins.slipway.runner.routing;

import io.jenkins.plugins.slipway.runner.routing.netty.NettyRouter;
import io.netty.util.ResourceLeakDetector;

/** Factory of the built-in {@link Router} implementations. */
public final class Routers {
    private Routers() {
    }

    /** The Netty reverse proxy with {@link RouterOptions#defaults()}. */
    public static Router netty() {
        return new NettyRouter(RouterOptions.defaults());
    }

    /** The Netty reverse proxy tuned by {@code options}. */
    public static Router netty(RouterOptions options) {
        return new NettyRouter(options);
    }

    /** The system property with which an operator turns Netty's leak detector back on. */
    public static final String LEAK_DETECTION_PROPERTY = "io.netty.leakDetection.level";

    /**
     * Turns Netty's buffer leak detector off for the whole process, unless {@value #LEAK_DETECTION_PROPERTY}
     * sets a level. At its default level the detector follows one buffer in 128 and records a stack trace for
     * it; on the router's path, where every request allocates and frees a few buffers, that cost 3-7% of the CPU
     * per proxied request (bench/router/RESULTS.md). The router's buffer handling is checked instead by its
     * tests, which run at the paranoid level. Process-wide, so called once where a process starts: the runner's
     * {@code serve} command.
     */
    public static void leakDetectionOffUnlessAsked() {
        if (System.getProperty(LEAK_DETECTION_PROPERTY) == null && System.getProperty("io.netty.leakDetectionLevel") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
    }
}
