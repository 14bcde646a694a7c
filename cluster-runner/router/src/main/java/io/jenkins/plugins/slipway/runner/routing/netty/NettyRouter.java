package io.jenkins.plugins.slipway.runner.routing.netty;

import io.jenkins.plugins.slipway.runner.routing.InternalListener;
import io.jenkins.plugins.slipway.runner.routing.MetricsSnapshot;
import io.jenkins.plugins.slipway.runner.routing.RouteSpec;
import io.jenkins.plugins.slipway.runner.routing.Router;
import io.jenkins.plugins.slipway.runner.routing.RouterOptions;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilter;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.handler.timeout.IdleStateHandler;
import io.prometheus.metrics.model.registry.MultiCollector;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in {@link Router}: a Netty HTTP/1.1 reverse proxy, one listening port per route, all routes sharing
 * one set of event loops. A client connection and the backend connections it uses live on the same loop, so a
 * proxied request never changes thread. Create it through {@link io.jenkins.plugins.slipway.runner.routing.Routers}.
 */
public final class NettyRouter implements Router {
    private static final Logger LOG = LoggerFactory.getLogger(NettyRouter.class);

    private final RouterOptions options;
    private final EventLoopGroup group;
    private final Lanes lanes;
    private final Map<String, RouteServer> routes = new ConcurrentHashMap<>();
    private final Map<EventLoop, Bootstrap> connectors = new ConcurrentHashMap<>();
    private final Bootstrap prober;
    private volatile boolean closed;
    /** While requests keep arriving at a route held at zero, the runner is reminded this often at most. */
    private static final long HELD_NOTICE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private volatile Consumer<String> heldListener = route -> { };

    public NettyRouter(RouterOptions options) {
        this.options = options;
        this.group = Transport.group(options.ioThreads());
        this.lanes = new Lanes(group);
        this.prober = new Bootstrap().group(group).channel(Transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // A probe only connects and closes.
                    }
                });
        LOG.debug("router started with {} {} event loops", options.ioThreads(), Transport.name());
    }

    RouterOptions options() {
        return options;
    }

    Lanes lanes() {
        return lanes;
    }

    @Override
    public synchronized void apply(RouteSpec spec) throws IOException {
        if (closed) {
            throw new IllegalStateException("router is closed");
        }
        RouteServer existing = routes.get(spec.name());
        if (existing == null) {
            RouteServer route = new RouteServer(spec.name(), this);
            route.update(spec);
            route.listener(bind(route, spec.name(), spec.bindHost(), spec.port(), null));
            try {
                bindInternal(route, spec);
            } catch (IOException ex) {
                route.close();
                throw ex;
            }
            routes.put(spec.name(), route);
            return;
        }
        RouteSpec current = existing.table().spec;
        int bound = ((InetSocketAddress) existing.listener().localAddress()).getPort();
        boolean samePort = spec.port() == current.port() || spec.port() == bound;
        Channel fresh = null;
        if (!samePort || !current.bindHost().equals(spec.bindHost())) {
            // Bind the new port first: when it fails, the route keeps working as it was.
            fresh = bind(existing, spec.name(), spec.bindHost(), spec.port(), null);
        }
        try {
            bindInternal(existing, spec);
        } catch (IOException ex) {
            if (fresh != null) {
                RouteServer.unbind(fresh);
            }
            throw ex;
        }
        existing.update(spec);
        if (fresh != null) {
            Channel old = existing.listener();
            existing.listener(fresh);
            RouteServer.unbind(old);
        }
        existing.internal().entrySet().removeIf(e -> {
            boolean gone = !spec.internal().contains(e.getKey());
            if (gone) {
                RouteServer.unbind(e.getValue());
            }
            return gone;
        });
    }

    /**
     * Binds the internal listeners of {@code spec} the route does not have yet; when one cannot be bound, closes
     * those just bound and throws, so the route keeps listening as it did.
     */
    private void bindInternal(RouteServer route, RouteSpec spec) throws IOException {
        Map<InternalListener, Channel> fresh = new HashMap<>();
        try {
            for (InternalListener l : spec.internal()) {
                if (!route.internal().containsKey(l) && !fresh.containsKey(l)) {
                    fresh.put(l, bind(route, spec.name(), l.host(), l.port(), callersOnly(spec.name(), l)));
                }
            }
        } catch (IOException | RuntimeException ex) {
            fresh.values().forEach(RouteServer::unbind);
            throw ex;
        }
        route.internal().putAll(fresh);
    }

    /** Closes every connection from outside the listener's callers' subnet as soon as it is accepted. */
    private static IpSubnetFilter callersOnly(String route, InternalListener l) {
        IpSubnetFilterRule rule;
        try {
            rule = new IpSubnetFilterRule(l.callers(), IpFilterRuleType.ACCEPT);
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("route " + route + ": callers of " + l.host() + ":" + l.port()
                    + " is not a CIDR subnet: " + l.callers(), ex);
        }
        return new IpSubnetFilter(false, rule);
    }

    private Channel bind(RouteServer route, String name, String host, int port, ChannelHandler filter)
            throws IOException {
        long idleNanos = options.idleTimeout().toNanos();
        ServerBootstrap b = new ServerBootstrap().group(group).channel(Transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        if (filter != null) {
                            p.addLast(filter);
                        }
                        p.addLast(new HttpServerCodec(4096, 16 * 1024, 16 * 1024));
                        // Reader idleness only: watching writes would add a listener to every write.
                        p.addLast(new IdleStateHandler(idleNanos, 0, 0, TimeUnit.NANOSECONDS));
                        p.addLast(new FrontendHandler(route));
                    }
                });
        ChannelFuture f = b.bind(host, port).awaitUninterruptibly();
        if (!f.isSuccess()) {
            throw new IOException("route " + name + " cannot listen on " + host + ":" + port
                    + ": " + f.cause().getMessage() + " (is another process using the port?)", f.cause());
        }
        return f.channel();
    }

    /** Opens a backend connection on {@code loop}, the loop of the client connection that needs it. */
    ChannelFuture connect(EventLoop loop, SocketAddress address) {
        Bootstrap b = connectors.computeIfAbsent(loop, this::connector);
        return b.connect(address);
    }

    private Bootstrap connector(EventLoop loop) {
        long idleNanos = options.idleTimeout().toNanos();
        return new Bootstrap().group(loop).channel(Transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ChannelPipeline p = ch.pipeline();
                        // Headers from backends are not validated again: the client side validated the request,
                        // and the answer's headers are re-encoded as they came.
                        p.addLast(new HttpClientCodec(new HttpDecoderConfig().setMaxInitialLineLength(4096)
                                .setMaxHeaderSize(16 * 1024).setMaxChunkSize(16 * 1024).setValidateHeaders(false),
                                false, false));
                        // Reader idleness only: watching writes would add a listener to every write.
                        p.addLast(new IdleStateHandler(idleNanos, 0, 0, TimeUnit.NANOSECONDS));
                        p.addLast(new BackendHandler());
                    }
                });
    }

    /**
     * Counts a failed attempt against a backend and, when {@link io.jenkins.plugins.slipway.runner.routing.OutlierDetection}
     * says so, ejects it: it is out for its ejection time, then probed with plain TCP connects, backing off from
     * {@link RouterOptions#healthProbeBackoff()} up to {@link RouterOptions#healthProbeMaxBackoff()}, until one
     * connects or the backend leaves the spec. Ejections of one route are decided one at a time, so the share of a
     * revision ejected at once stays within its bound.
     */
    void failed(RouteServer route, RouteTable table, BackendState b, Outlier.Failure failure) {
        long now = System.nanoTime();
        synchronized (route) {
            BackendState[] siblings = table.siblingsOf(b);
            if (!b.outlier.failed(failure, now, BackendChooser.ejected(siblings), siblings.length)) {
                return;
            }
        }
        LOG.info("route {}: backend {} ejected for {} ms after {} ({} ejections)", route.name(), b,
                b.outlier.remainingNanos(now) / 1_000_000, failure, b.outlier.ejections());
        synchronized (b) {
            if (b.probing || closed) {
                return;
            }
            b.probing = true;
            b.probeBackoffNanos = options.healthProbeBackoff().toNanos();
        }
        scheduleProbe(b, b.outlier.remainingNanos(now));
    }

    private void scheduleProbe(BackendState b, long delayNanos) {
        try {
            group.next().schedule(() -> probe(b), delayNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException rejected) {
            LOG.debug("router closing, backend {} no longer probed", b);
        }
    }

    private void probe(BackendState b) {
        if (b.removed || closed) {
            synchronized (b) {
                b.probing = false;
            }
            return;
        }
        prober.connect(b.address).addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                f.channel().close();
                synchronized (b) {
                    b.probing = false;
                    b.outlier.returned(System.nanoTime());
                }
                LOG.info("backend {} accepts connections again: back in rotation", b);
            } else {
                long delay;
                synchronized (b) {
                    delay = b.probeBackoffNanos;
                    b.probeBackoffNanos = Math.min(b.probeBackoffNanos * 2, options.healthProbeMaxBackoff().toNanos());
                }
                scheduleProbe(b, delay);
            }
        });
    }

    @Override
    public Optional<RouteSpec> spec(String routeName) {
        RouteServer r = routes.get(routeName);
        return r == null ? Optional.empty() : Optional.of(r.table().spec);
    }

    @Override
    public synchronized void remove(String routeName) {
        RouteServer r = routes.remove(routeName);
        if (r != null) {
            r.close();
        }
    }

    @Override
    public void setBackendHealthy(String routeName, String backendId, boolean healthy) {
        RouteServer r = routes.get(routeName);
        BackendState s = r == null ? null : r.state(backendId);
        if (s != null) {
            s.adminHealthy = healthy;
        }
    }

    /** What the router knows of one backend (ejection, health), or null; for the tests of this package. */
    BackendState state(String routeName, String backendId) {
        RouteServer r = routes.get(routeName);
        return r == null ? null : r.state(backendId);
    }

    @Override
    public void onHeld(Consumer<String> listener) {
        heldListener = Objects.requireNonNull(listener, "listener");
    }

    /** A request is held on {@code r}: tell the runner, unless it was told a moment ago. */
    void held(RouteServer r) {
        if (r.heldNoticeDue(HELD_NOTICE_INTERVAL_NANOS)) {
            try {
                heldListener.accept(r.name());
            } catch (RuntimeException e) {
                LOG.warn("route {}: the listener of held requests failed", r.name(), e);
            }
        }
    }

    @Override
    public int held(String routeName) {
        RouteServer r = routes.get(routeName);
        return r == null ? 0 : r.heldCount();
    }

    @Override
    public int inFlight(String routeName, String backendId) {
        RouteServer r = routes.get(routeName);
        BackendState s = r == null ? null : r.state(backendId);
        return s == null ? 0 : s.inFlight();
    }

    @Override
    public MetricsSnapshot snapshot(String routeName, String revision) {
        RouteServer r = routes.get(routeName);
        RevisionMetrics m = r == null ? null : r.metrics(revision);
        return m == null ? RevisionSnapshot.EMPTY : m.snapshot();
    }

    @Override
    public MultiCollector metrics() {
        return new RouterMetrics(routes::values);
    }

    /** The port a route listens on; differs from the spec's when the spec asked for port 0 (any free port). */
    public int boundPort(String routeName) {
        RouteServer r = routes.get(routeName);
        if (r == null) {
            throw new IllegalArgumentException("no route " + routeName);
        }
        return ((InetSocketAddress) r.listener().localAddress()).getPort();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            routes.values().forEach(RouteServer::close);
            routes.clear();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
