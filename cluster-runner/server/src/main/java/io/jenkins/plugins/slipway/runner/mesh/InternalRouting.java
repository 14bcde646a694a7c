package io.jenkins.plugins.slipway.runner.mesh;

import io.jenkins.plugins.slipway.runner.compose.CallsByName;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.NetworkAddress;
import io.jenkins.plugins.slipway.runner.routing.InternalListener;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the calls an app's services make to each other by name through the router, without sidecars: a service
 * with a route answers by name, on every network of its app, at the network's gateway, where the router listens
 * on the service's port for that network's containers only. The names are answered by a {@link GatewayDns} per
 * network. Weights, match rules, sticky assignment and metrics are the route's own, so a canary is judged on the
 * calls of its real callers too. See docs/architecture.md, "Service-to-service traffic".
 */
public final class InternalRouting implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(InternalRouting.class);
    /** Engines give containers DNS servers without a port. */
    public static final int DNS_PORT = 53;

    private final AppNetworks networks;
    private final int dnsPort;
    private final EventLoopGroup group = new NioEventLoopGroup(1, r -> {
        Thread t = new Thread(r, "slipway-mesh-dns");
        t.setDaemon(true);
        return t;
    });
    /** Per app, per engine network name: the routed names it answers there. */
    private final Map<String, Map<String, Set<String>>> namesByApp = new HashMap<>();
    private final Map<String, GatewayDns> dns = new HashMap<>();
    /** Why a network's names are not answered, by engine network name; logged once. */
    private final Map<String, String> failures = new HashMap<>();

    /**
     * @param networks where each app's networks meet the host
     * @param dnsPort  the port the responders listen on: 53 (engines give containers DNS servers without a port)
     */
    public InternalRouting(AppNetworks networks, int dnsPort) {
        this.networks = networks;
        this.dnsPort = dnsPort;
    }

    /**
     * Brings the app's names in line with its routed services and answers the router's internal listeners of
     * each of them, by service name.
     *
     * @param routed the app's services that have a route, at the revision that gives the route
     */
    public synchronized Map<String, List<InternalListener>> sync(String app, Map<String, ServiceSpec> routed) {
        Map<String, NetworkAddress> nets = routed.isEmpty() ? Map.of() : networks.of(app);
        Map<String, List<InternalListener>> listeners = new LinkedHashMap<>();
        Map<String, Set<String>> names = new HashMap<>();
        Set<String> throughRouter = CallsByName.throughRouter(routed.values());
        routed.forEach((service, spec) -> {
            if (!throughRouter.contains(service)) {
                return; // shares its port with another routed service: reached by name directly
            }
            List<InternalListener> own = new ArrayList<>();
            ServiceNames.of(spec).forEach((key, serviceNames) -> {
                NetworkAddress n = nets.get(key);
                if (n != null) {
                    own.add(new InternalListener(n.gateway(), spec.route().targetPort(), n.subnet()));
                    names.computeIfAbsent(n.name(), x -> new HashSet<>()).addAll(serviceNames);
                }
            });
            listeners.put(service, own);
        });
        if (names.isEmpty()) {
            namesByApp.remove(app);
        } else {
            namesByApp.put(app, names);
        }
        answer(nets);
        return listeners;
    }

    /** Stops answering the names of a deleted app. */
    public synchronized void removeApp(String app) {
        namesByApp.remove(app);
        answer(Map.of());
    }

    /** Starts, updates and stops the responders so that each network with routed names has one. */
    private void answer(Map<String, NetworkAddress> known) {
        Map<String, Set<String>> wanted = new HashMap<>();
        namesByApp.values().forEach(byNet -> byNet.forEach(
                (net, n) -> wanted.computeIfAbsent(net, x -> new HashSet<>()).addAll(n)));
        Map<String, NetworkAddress> byName = new HashMap<>();
        known.values().forEach(n -> byName.put(n.name(), n));
        for (Map.Entry<String, Set<String>> e : wanted.entrySet()) {
            GatewayDns responder = dns.get(e.getKey());
            NetworkAddress n = byName.get(e.getKey());
            if (responder == null && n != null) {
                try {
                    responder = GatewayDns.start(group, n.gateway(), n.subnet(), dnsPort);
                    dns.put(e.getKey(), responder);
                    failures.remove(e.getKey());
                    LOG.info("answering the routed names of network {} on {}:{}", n.name(), n.gateway(), dnsPort);
                } catch (IOException ex) {
                    if (!String.valueOf(ex.getMessage()).equals(failures.put(e.getKey(), ex.getMessage()))) {
                        LOG.warn("Network {}: calls by name to routed services cannot go through the router: {}",
                                n.name(), ex.getMessage());
                    }
                    continue;
                }
            }
            if (responder != null) {
                responder.names(e.getValue());
            }
        }
        dns.entrySet().removeIf(e -> {
            boolean unused = !wanted.containsKey(e.getKey());
            if (unused) {
                e.getValue().close();
            }
            return unused;
        });
    }

    @Override
    public synchronized void close() {
        dns.values().forEach(GatewayDns::close);
        dns.clear();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
