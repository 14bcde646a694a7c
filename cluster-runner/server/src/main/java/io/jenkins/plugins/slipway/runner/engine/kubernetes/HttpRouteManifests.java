package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.jenkins.plugins.slipway.runner.compose.KubernetesTraffic;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.Replica;
import io.jenkins.plugins.slipway.runner.reconcile.ObservedReplica;
import io.jenkins.plugins.slipway.runner.routing.MatchRule;
import io.jenkins.plugins.slipway.runner.store.ReplicaSet;
import io.jenkins.plugins.slipway.runner.traffic.ServiceTraffic;
import io.jenkins.plugins.slipway.runner.traffic.Weights;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code HTTPRoute} (Gateway API v1) of one routed service: attached to the Gateway the file names, one rule
 * per match rule of the release in progress (requests carrying the header, or the cookie, go to that revision's
 * Service), then the rule for every other request, whose backendRefs are the revisions' Services weighted as the
 * release says. Gateway API prefers the rule with more header matches, so a match rule wins over the weighted one.
 * Pure: what to write, from what the release wants and what the pass saw.
 */
final class HttpRouteManifests {
    static final String GROUP = "gateway.networking.k8s.io";
    /** Marks the objects this router writes (the HTTPRoutes and the revisions' Services), to find them again. */
    static final String TRAFFIC = "io.slipway.traffic";
    static final String GATEWAY_API = KubernetesTraffic.GATEWAY_API;

    private HttpRouteManifests() {
    }

    /** The HTTPRoute of a service: {@code slipway-shop-web-<runner id>}. */
    static String name(String app, String service, String runnerId) {
        return KubernetesNames.dnsLabel("slipway-" + app + "-" + service + "-" + runnerId);
    }

    /** The labels of everything this router writes for an app. */
    static Map<String, String> appLabels(String runnerId, String app) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.APP, app);
        labels.put(TRAFFIC, GATEWAY_API);
        return labels;
    }

    static HTTPRoute route(String runnerId, String namespace, String app, ServiceTraffic t,
                           Map<Integer, Integer> weights) {
        KubernetesTraffic k = t.spec().kubernetes();
        KubernetesTraffic.GatewayRef g = k.gateway();
        int port = t.spec().route().targetPort();
        List<HTTPRouteRule> rules = new ArrayList<>();
        for (MatchRule m : t.matches()) {
            rules.add(new HTTPRouteRuleBuilder()
                    .withMatches(match(header(m)))
                    .withBackendRefs(backend(runnerId, app, t.service(), Integer.parseInt(m.revision()), port, 1))
                    .build());
        }
        List<HTTPBackendRef> weighted = new ArrayList<>();
        // Lowest revision first whatever map the caller gives: the same weights must make the same object, or every
        // pass would rewrite the route.
        new java.util.TreeMap<>(weights).forEach((revision, weight) ->
                weighted.add(backend(runnerId, app, t.service(), revision, port, weight)));
        rules.add(new HTTPRouteRuleBuilder().withMatches(match(null)).withBackendRefs(weighted).build());
        Map<String, String> labels = appLabels(runnerId, app);
        labels.put(Labels.SERVICE, KubernetesNames.labelValue(t.service()));
        labels.put(DeploymentManifests.PART_OF, app);
        labels.put(DeploymentManifests.MANAGED_BY, DeploymentManifests.MANAGER);
        return new HTTPRouteBuilder()
                .withNewMetadata()
                    .withName(name(app, t.service(), runnerId))
                    .withNamespace(namespace)
                    .withLabels(labels)
                    .addToAnnotations(Labels.SERVICE, t.service())
                .endMetadata()
                .withNewSpec()
                    .withParentRefs(new ParentReferenceBuilder().withGroup(GROUP).withKind("Gateway")
                            .withName(g.name()).withNamespace(g.namespace()).withSectionName(g.sectionName()).build())
                    .withHostnames(k.hostnames().isEmpty() ? null : k.hostnames())
                    .withRules(rules)
                .endSpec()
                .build();
    }

    /**
     * The weight of each revision the service runs, lowest revision first, summing to 100: the release's weights,
     * over the revisions that have a ready pod (a Gateway sends a revision without one errors, as the runner's
     * router would not); when none with a weight is ready, the revisions that are, by their ready pods; when none
     * is ready yet, the release's weights as they are. A revision the release gives nothing stays at 0, so that
     * the route names every Service the release runs.
     */
    static Map<Integer, Integer> weights(ServiceTraffic t, List<ObservedReplica> observed) {
        List<ReplicaSet> sets = new ArrayList<>(t.sets());
        sets.sort(Comparator.comparingInt(ReplicaSet::revision));
        Map<Integer, Integer> weighted = new LinkedHashMap<>();
        Map<Integer, Integer> ready = new LinkedHashMap<>();
        Map<Integer, Integer> asReleased = new LinkedHashMap<>();
        Map<Integer, Integer> out = new TreeMap<>();
        for (ReplicaSet set : sets) {
            if (set.replicas() == 0 && set.weight() == 0) {
                continue;
            }
            out.put(set.revision(), 0);
            long n = observed.stream().filter(r -> readyIn(r, t.service(), set)).count();
            if (n > 0) {
                ready.put(set.revision(), (int) n);
            }
            if (set.weight() > 0) {
                asReleased.put(set.revision(), set.weight());
                if (n > 0) {
                    weighted.put(set.revision(), set.weight());
                }
            }
        }
        Map<Integer, Integer> basis = !weighted.isEmpty() ? weighted : !ready.isEmpty() ? ready : asReleased;
        out.putAll(Weights.proportional(basis));
        return out;
    }

    private static boolean readyIn(ObservedReplica r, String service, ReplicaSet set) {
        Replica replica = r.replica();
        return replica.service().equals(service) && replica.revision() == set.revision()
                && replica.index() <= set.replicas() && replica.state() == Replica.State.RUNNING
                && (r.healthy() || r.servedBefore());
    }

    private static HTTPRouteMatch match(HTTPHeaderMatch header) {
        HTTPRouteMatchBuilder b = new HTTPRouteMatchBuilder()
                .withPath(new HTTPPathMatchBuilder().withType("PathPrefix").withValue("/").build());
        if (header != null) {
            b.withHeaders(header);
        }
        return b.build();
    }

    /**
     * A header rule matches the header's exact value. A cookie has no match of its own in Gateway API: it is a
     * regular expression on the {@code Cookie} header, which Gateway API leaves to the implementation (Envoy-based
     * Gateways take RE2).
     */
    static HTTPHeaderMatch header(MatchRule m) {
        if (m.kind() == MatchRule.Kind.HEADER) {
            return new HTTPHeaderMatchBuilder().withType("Exact").withName(m.name()).withValue(m.value()).build();
        }
        return new HTTPHeaderMatchBuilder().withType("RegularExpression").withName("Cookie")
                .withValue(cookieRegex(m.name(), m.value())).build();
    }

    /** {@code NAME=VALUE} as a whole cookie of a Cookie header: at its start or after "; ", up to ";" or its end. */
    static String cookieRegex(String name, String value) {
        return "(^|.*;\\s*)" + quote(name) + "=" + quote(value) + "(;.*|$)";
    }

    /** Escapes what RE2 and Java read as operators, one character at a time (no \Q..\E: RE2 has it, others not). */
    private static String quote(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if ("\\.[]{}()*+?^$|".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    private static HTTPBackendRef backend(String runnerId, String app, String service, int revision, int port,
                                          int weight) {
        return new HTTPBackendRefBuilder().withGroup("").withKind("Service")
                .withName(KubernetesNames.deployment(app, service, revision, runnerId)).withPort(port)
                .withWeight(weight).build();
    }
}
