package io.jenkins.plugins.slipway.runner.routing;

import io.jenkins.plugins.slipway.runner.routing.netty.NettyRouter;

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
}
