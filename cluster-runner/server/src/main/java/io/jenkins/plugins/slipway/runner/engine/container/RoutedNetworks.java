package io.jenkins.plugins.slipway.runner.engine.container;

import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.ContainerSettings;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.NetworkAddress;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engine side of routing an app's calls by name through the router (see {@code mesh/InternalRouting}): which
 * of an app's networks the runner's host sits on, and what that changes for the replicas started on them. On such
 * a network a service with a route does not answer to its own name (nor its aliases): its replicas carry
 * {@code <service>-r<revision>} instead, so Docker's embedded DNS does not know the name and asks the app's DNS
 * servers, the first of which is the network's gateway, where the runner answers it with the gateway itself.
 * <p>
 * A network the host has no address on (a remote engine, a driver without a host bridge) or an {@code internal}
 * one (the engine forwards no name from there) is left as it was: services answer there by name directly.
 */
final class RoutedNetworks {
    /** Docker's embedded DNS uses the first three servers only. */
    private static final int MAX_DNS_SERVERS = 3;

    private final ContainerRuntime runtime;
    private final AppNetworksAndVolumes names;
    private final List<String> upstream;
    /** By engine network name; a network keeps its addresses for its life, dropped when its app is deleted. */
    private final Map<String, NetworkAddress> addresses = new ConcurrentHashMap<>();

    /**
     * @param upstream the DNS servers a replica asks after the gateway when its service names none itself
     */
    RoutedNetworks(ContainerRuntime runtime, AppNetworksAndVolumes names, List<String> upstream) {
        this.runtime = runtime;
        this.names = names;
        this.upstream = List.copyOf(upstream);
    }

    /** The app's prepared networks the host sits on, by Compose key. */
    Map<String, NetworkAddress> of(String app) {
        AppResources resources = names.of(app);
        Map<String, NetworkAddress> found = new LinkedHashMap<>();
        if (resources == null) {
            return found;
        }
        resources.networks().forEach((key, n) -> {
            if (!n.internal()) {
                NetworkAddress a = address(names.networkName(app, key, n));
                if (a != null) {
                    found.put(key, a);
                }
            }
        });
        return found;
    }

    private NetworkAddress address(String network) {
        NetworkAddress known = addresses.get(network);
        if (known != null) {
            return known;
        }
        NetworkAddress a = runtime.networkAddress(network);
        if (a != null && onThisHost(a.gateway())) {
            addresses.put(network, a);
            return a;
        }
        return null;
    }

    private static boolean onThisHost(String gateway) {
        try {
            return NetworkInterface.getByInetAddress(InetAddress.getByName(gateway)) != null;
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
    }

    /** Forgets the addresses known: a deleted app's network made again may get another subnet. */
    void forget() {
        addresses.clear();
    }

    /**
     * The replica as it starts on the app's routed networks: the names there of a service reached through the
     * router ({@code throughRouter}, see {@code compose/CallsByName}) become its per-revision alias, and the gateways of the replica's networks come first among its DNS servers (then the
     * service's own {@code dns}, or the host's servers).
     */
    ReplicaSpec apply(ReplicaSpec spec, ServiceSpec service, Slot slot, Set<String> throughRouter) {
        ReplicaSpec.Attachments a = spec.attachments();
        if (a.settings().networkMode() != null) {
            return spec;
        }
        Map<String, NetworkAddress> routed = new LinkedHashMap<>();
        of(slot.app()).values().forEach(n -> routed.put(n.name(), n));
        Map<String, List<String>> networks = new LinkedHashMap<>();
        List<String> dns = new ArrayList<>();
        a.networks().forEach((network, aliases) -> {
            NetworkAddress n = routed.get(network);
            if (n == null) {
                networks.put(network, aliases);
                return;
            }
            networks.put(network, throughRouter.contains(service.name()) ? List.of(revisionAlias(service, slot)) : aliases);
            dns.add(n.gateway());
        });
        if (dns.isEmpty()) {
            return spec;
        }
        dns.addAll(a.settings().dns().isEmpty() ? upstream : a.settings().dns());
        ContainerSettings s = a.settings();
        ContainerSettings settings = new ContainerSettings(s.user(), s.workingDir(), s.hostname(), s.domainname(),
                s.extraHosts(), dns.stream().distinct().limit(MAX_DNS_SERVERS).toList(), s.dnsSearch(), s.init(),
                s.stopSignal(), s.ulimits(), s.shmSizeBytes(), s.logging(), s.reservations(), s.capDrop(),
                s.privileged(), s.capAdd(), s.devices(), s.securityOpt(), s.sysctls(), s.pid(), s.ipc(),
                s.networkMode());
        return spec.withAttachments(new ReplicaSpec.Attachments(networks, a.published(), a.mounts(), a.readOnly(),
                settings));
    }

    /** {@code api-r3}: how a routed service's replicas of one revision are reached directly. */
    static String revisionAlias(ServiceSpec service, Slot slot) {
        return service.name() + "-r" + slot.revision();
    }
}
