package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The ClusterIP Service of one Compose service with ports, named as the Compose service so that the pods of the
 * namespace reach it by that name, as the replicas of an app reach each other on Docker. It selects the service's
 * pods of every revision (runner, app and service labels, no revision): Kubernetes sends its traffic to the ready
 * ones, in proportion to their number (the route weights are the router's, for traffic through the runner). Its
 * name is the namespace's: two apps of one namespace cannot both have a service of that name.
 */
final class ServiceManifests {

    private ServiceManifests() {
    }

    /** The Service's name: the Compose service's as an RFC 1035 label (which must start with a letter). */
    static String name(String service) {
        String name = KubernetesNames.dnsLabel(service);
        return Character.isLetter(name.charAt(0)) ? name : KubernetesNames.dnsLabel("s-" + service + "-");
    }

    /** The labels that select the service's pods of every revision. */
    static Map<String, String> selector(String runnerId, String app, String service) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.APP, app);
        labels.put(Labels.SERVICE, KubernetesNames.labelValue(service));
        return labels;
    }

    static Service of(String runnerId, String namespace, String app, String service, Collection<Integer> ports) {
        Map<String, String> labels = selector(runnerId, app, service);
        labels.put(DeploymentManifests.NAME, KubernetesNames.labelValue(service));
        labels.put(DeploymentManifests.PART_OF, app);
        labels.put(DeploymentManifests.MANAGED_BY, DeploymentManifests.MANAGER);
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(name(service))
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .addToAnnotations(Labels.SERVICE, service)
                .endMetadata()
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(selector(runnerId, app, service))
                    .withPorts(ports(ports))
                .endSpec()
                .build();
    }

    /**
     * The Service of one revision of a service, for a Gateway's backendRefs ({@link GatewayApiRouter}): named and
     * selecting as the revision's Deployment, so it reaches that revision's ready pods and no other, on the
     * route's target port. The service's annotation keeps it while the service runs; the router removes it once
     * the revision has left the route.
     */
    static Service revision(String runnerId, String namespace, String app, String service, int revision, int port) {
        Map<String, String> labels = new LinkedHashMap<>(DeploymentManifests.selector(runnerId, app, service, revision));
        labels.put(DeploymentManifests.NAME, KubernetesNames.labelValue(service));
        labels.put(DeploymentManifests.PART_OF, app);
        labels.put(DeploymentManifests.MANAGED_BY, DeploymentManifests.MANAGER);
        labels.put(HttpRouteManifests.TRAFFIC, HttpRouteManifests.GATEWAY_API);
        return new ServiceBuilder()
                .withNewMetadata()
                    .withName(KubernetesNames.deployment(app, service, revision, runnerId))
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .addToAnnotations(Labels.SERVICE, service)
                .endMetadata()
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(DeploymentManifests.selector(runnerId, app, service, revision))
                    .withPorts(ports(List.of(port)))
                .endSpec()
                .build();
    }

    /** One TCP port per container port, in order, named as the container's. */
    static List<ServicePort> ports(Collection<Integer> ports) {
        return new TreeSet<>(ports).stream()
                .map(p -> new ServicePortBuilder().withName(KubernetesNames.port(p)).withProtocol("TCP").withPort(p)
                        .withTargetPort(new IntOrString(p)).build())
                .toList();
    }

    /** Whether {@code existing} is this runner's Service of {@code service} in {@code app}. */
    static boolean owned(Service existing, String runnerId, String app, String service) {
        Map<String, String> labels = existing.getMetadata().getLabels();
        return labels != null && selector(runnerId, app, service).entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    /** The ports {@code existing} exposes. */
    static TreeSet<Integer> portsOf(Service existing) {
        TreeSet<Integer> out = new TreeSet<>();
        if (existing.getSpec() != null && existing.getSpec().getPorts() != null) {
            existing.getSpec().getPorts().forEach(p -> out.add(p.getPort()));
        }
        return out;
    }
}
