package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.slipway.runner.release.spec.AnalysisSpec;
import io.jenkins.plugins.slipway.runner.release.spec.CanaryStep;
import io.jenkins.plugins.slipway.runner.release.spec.MetricSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code x-slipway.kubernetes} and refuses what a Gateway cannot do of what the service asks: everything the
 * runner's router measures or holds (router analysis metrics, autoscaling, scale to zero), a preview route on the
 * runner, and sticky sessions (see {@link #sticky}). None of it is dropped silently: each is a 400 naming its key.
 * Whether the engine in use writes Kubernetes objects at all is the engine's to say (EngineFit).
 */
final class KubernetesTrafficReader {
    private static final Set<String> KEYS = Set.of("trafficRouter", "gateway", "hostnames");
    private static final Set<String> GATEWAY_KEYS = Set.of("name", "namespace", "sectionName");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    /** Gateway API's Hostname: a DNS name, with an optional leading wildcard label; no IP, no port. */
    private static final Pattern HOSTNAME =
            Pattern.compile("(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** An HTTPRoute has at most 16 rules: one per match rule, and the weighted one. */
    static final int MAX_MATCH_RULES = 15;

    private final Problems p;

    KubernetesTrafficReader(Problems p) {
        this.p = p;
    }

    /** {@code x-slipway.kubernetes} of a service, or null when it has none (the runner's router). */
    KubernetesTraffic read(JsonNode x, String servicePath) {
        JsonNode n = x == null ? null : x.get("kubernetes");
        if (n == null || n.isNull()) {
            return null;
        }
        String path = servicePath + ".x-slipway.kubernetes";
        if (!ComposeParser.mapping(n, path, p)) {
            return null;
        }
        ComposeParser.unknownKeys(n, path, KEYS, p);
        String router = ComposeParser.text(n, "trafficRouter", path, p);
        if (router == null) {
            router = KubernetesTraffic.RUNNER;
        } else if (!router.equals(KubernetesTraffic.RUNNER) && !router.equals(KubernetesTraffic.GATEWAY_API)) {
            p.error(path + ".trafficRouter", "must be runner or gateway-api, got " + router);
            return null;
        }
        boolean gatewayApi = router.equals(KubernetesTraffic.GATEWAY_API);
        KubernetesTraffic.GatewayRef gateway = gateway(n.get("gateway"), path + ".gateway", gatewayApi);
        List<String> hostnames = hostnames(n.get("hostnames"), path + ".hostnames", gatewayApi);
        if (gatewayApi && gateway == null && !n.has("gateway")) {
            p.error(path + ".gateway", "is required with trafficRouter: gateway-api: the Gateway the HTTPRoute"
                    + " attaches to, as {name: my-gateway, namespace: infra}");
        }
        return new KubernetesTraffic(router, gateway, hostnames);
    }

    private KubernetesTraffic.GatewayRef gateway(JsonNode n, String path, boolean gatewayApi) {
        if (n == null || n.isNull()) {
            return null;
        }
        if (!gatewayApi) {
            p.error(path, "is used with trafficRouter: gateway-api only; the runner's router needs no Gateway");
            return null;
        }
        if (!ComposeParser.mapping(n, path, p)) {
            return null;
        }
        ComposeParser.unknownKeys(n, path, GATEWAY_KEYS, p);
        String name = ComposeParser.text(n, "name", path, p);
        String namespace = ComposeParser.text(n, "namespace", path, p);
        String section = ComposeParser.text(n, "sectionName", path, p);
        if (name == null) {
            p.error(path + ".name", "is required: the name of the Gateway");
        } else if (name.length() > 253 || !DNS_SUBDOMAIN.matcher(name).matches()) {
            p.error(path + ".name", "must be a Kubernetes object name (lower-case DNS subdomain), got " + name);
        }
        if (namespace != null && (namespace.length() > 63 || !DNS_LABEL.matcher(namespace).matches())) {
            p.error(path + ".namespace", "must be a namespace name (lower-case DNS label), got " + namespace);
        }
        if (section != null && (section.length() > 253 || !DNS_SUBDOMAIN.matcher(section).matches())) {
            p.error(path + ".sectionName", "must be the name of one of the Gateway's listeners (lower-case DNS"
                    + " subdomain), got " + section);
        }
        return name == null ? null : new KubernetesTraffic.GatewayRef(name, namespace, section);
    }

    private List<String> hostnames(JsonNode n, String path, boolean gatewayApi) {
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (!gatewayApi) {
            p.error(path, "is used with trafficRouter: gateway-api only (the HTTPRoute's hostnames)");
            return List.of();
        }
        if (!n.isArray()) {
            p.error(path, "must be a list of host names, got " + ComposeParser.describe(n));
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            String h = n.get(i).isTextual() ? n.get(i).asText() : null;
            if (h == null || h.length() > 253 || !HOSTNAME.matcher(h).matches()) {
                p.error(path + "[" + i + "]", "must be a host name like shop.example.com or *.example.com (no IP,"
                        + " no port), got " + ComposeParser.describe(n.get(i)));
            } else {
                out.add(h);
            }
        }
        if (out.size() > 16) {
            p.error(path, "at most 16 host names (Gateway API's limit), got " + out.size());
        }
        return out;
    }

    /**
     * What a service routed through a Gateway asks that only the runner's router does. Each refusal says why and
     * what to do instead.
     */
    void gatewayLimits(ServiceSpec s, String servicePath) {
        if (s.kubernetes() == null || !s.kubernetes().gatewayApi()) {
            return;
        }
        String path = servicePath + ".x-slipway";
        if (s.route() == null) {
            p.error(path + ".kubernetes.trafficRouter", "gateway-api needs x-slipway.route: its targetPort is the"
                    + " port of the HTTPRoute's backends, its healthPath the pods' readiness probe");
        }
        if (s.autoscale() != null) {
            p.error(path + ".autoscale", "is measured by the runner's router (requests per second, in flight,"
                    + " held requests), which sees none of the traffic a Gateway carries; drop autoscale or use"
                    + " trafficRouter: runner");
        }
        ReleaseSpec release = s.release();
        String at = path + ".release";
        if (release instanceof ReleaseSpec.Canary c) {
            if (c.sticky()) {
                p.error(at + ".sticky", sticky());
            }
            if (c.match().size() > MAX_MATCH_RULES) {
                p.error(at + ".match", "at most " + MAX_MATCH_RULES + " rules through a Gateway, got "
                        + c.match().size() + ": each is a rule of the HTTPRoute, which takes 16 with the weighted one");
            }
            c.analysis().ifPresent(a -> routerMetrics(a, at + ".analysis"));
            for (int i = 0; i < c.steps().size(); i++) {
                if (c.steps().get(i) instanceof CanaryStep.Analysis a) {
                    routerMetrics(a.analysis(), at + ".steps[" + i + "].analysis");
                }
            }
        } else if (release instanceof ReleaseSpec.BlueGreen b) {
            if (b.previewPort() != null) {
                p.error(at + ".previewPort", "is a route on the runner's router, which a service routed through a"
                        + " Gateway does not use; drop previewPort (the switch still goes through the HTTPRoute)"
                        + " or use trafficRouter: runner");
            }
            Optional<AnalysisSpec> pre = b.prePromotionAnalysis();
            pre.ifPresent(a -> routerMetrics(a, at + ".prePromotionAnalysis"));
        }
    }

    /**
     * Slipway's sticky sessions keep a client on the revision it was first sent to. Gateway API has that only as
     * {@code sessionPersistence}, in its experimental channel: a Gateway installed from the standard channel drops
     * the field without a word, so the runner refuses it rather than promise what may not happen.
     */
    static String sticky() {
        return "is not supported with trafficRouter: gateway-api: Gateway API has session persistence only in its"
                + " experimental channel (HTTPRoute sessionPersistence), which a Gateway installed from the"
                + " standard channel drops silently; drop sticky, or use trafficRouter: runner";
    }

    private void routerMetrics(AnalysisSpec a, String path) {
        for (int i = 0; i < a.metrics().size(); i++) {
            MetricSpec m = a.metrics().get(i);
            if (m instanceof MetricSpec.RouterMetric) {
                p.error(path + ".metrics[" + i + "].router", "metric " + m.name() + " reads the runner's router,"
                        + " which sees none of the traffic a Gateway carries; measure with http (probes the new"
                        + " pods) or webhook (asks your monitoring, e.g. Prometheus behind a webhook) instead, or use"
                        + " trafficRouter: runner");
            }
        }
    }
}
