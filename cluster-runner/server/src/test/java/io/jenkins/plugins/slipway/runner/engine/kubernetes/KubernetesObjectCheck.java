package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the API server would refuse in an object, checked independently of the engine's own code: every field is
 * one the Kubernetes model (fabric8's, generated from the OpenAPI schema) knows, and the rules the schema alone
 * does not carry hold (apimachinery's validation: names, label keys and values, a Deployment's selector present
 * and matching its template, port names as IANA service names of at most 15 characters, probes with exactly one
 * handler, quantities that parse, volume mounts naming a volume, Secret and ConfigMap keys, Service names, and an
 * HTTPRoute's limits and enums from the Gateway API CRD, whose fields fabric8's Gateway API model knows as it knows
 * the core ones). The ITs run it on every object written to the mock API server; an object of a kind without a
 * model here is itself a problem, so that nothing written goes unchecked.
 */
public final class KubernetesObjectCheck {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern QUALIFIED = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern IANA_SVC_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?");
    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern HOSTNAME =
            Pattern.compile("(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+\\-.^_`|~]+");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private KubernetesObjectCheck() {
    }

    /** Problems of the object in {@code json} (empty when the API server would take it). */
    public static List<String> problems(String json) {
        HasMetadata o;
        try {
            o = Serialization.unmarshal(json);
        } catch (RuntimeException e) {
            return List.of("not a Kubernetes object: " + e.getMessage());
        }
        return problems(o);
    }

    public static List<String> problems(HasMetadata o) {
        List<String> p = new ArrayList<>();
        String where = o.getKind() + " " + (o.getMetadata() == null ? "?" : o.getMetadata().getName());
        if (o.getApiVersion() == null || o.getKind() == null) {
            p.add(where + ": apiVersion and kind are required");
        }
        unknownFields(o, "", p, where, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        metadata(o.getMetadata(), where, p);
        if (o instanceof Deployment d) {
            deployment(d, where, p);
        } else if (o instanceof Pod pod) {
            podSpec(pod.getSpec(), where + " spec", p);
        } else if (o instanceof Secret secret) {
            dataKeys(secret.getData(), where + " data", p);
            if (secret.getData() != null) {
                secret.getData().forEach((k, v) -> base64(v, where + " data." + k, p));
            }
        } else if (o instanceof Service svc) {
            service(svc, where, p);
        } else if (o instanceof HTTPRoute route) {
            httpRoute(route, where, p);
        } else if (o instanceof GenericKubernetesResource) {
            p.add(where + ": no model of " + o.getApiVersion() + " " + o.getKind() + " to check it against");
        } else if (o instanceof ConfigMap map) {
            dataKeys(map.getData(), where + " data", p);
            dataKeys(map.getBinaryData(), where + " binaryData", p);
            if (map.getBinaryData() != null) {
                map.getBinaryData().forEach((k, v) -> base64(v, where + " binaryData." + k, p));
                if (map.getData() != null && map.getData().keySet().stream().anyMatch(map.getBinaryData()::containsKey)) {
                    p.add(where + ": a key is in both data and binaryData");
                }
            }
        }
        return p;
    }

    /** A Service's name is an RFC 1035 label (it becomes a DNS name); its ports are 1..65535. */
    private static void service(Service svc, String where, List<String> p) {
        String name = svc.getMetadata() == null ? null : svc.getMetadata().getName();
        if (name != null && (name.length() > 63 || !DNS_1035.matcher(name).matches())) {
            p.add(where + ": a Service's name must be a DNS-1035 label (a letter first, at most 63)");
        }
        if (svc.getSpec() != null && svc.getSpec().getPorts() != null) {
            svc.getSpec().getPorts().forEach(port -> {
                if (port.getPort() == null || port.getPort() < 1 || port.getPort() > 65535) {
                    p.add(where + ": port " + port.getPort() + " is not a port");
                }
            });
        }
    }

    /**
     * What the Gateway API CRD (v1, standard channel) validates beyond the fields the model knows: at least one
     * parentRef, at most 16 rules, 8 matches per rule, 16 headers per match and 16 backendRefs per rule, weights
     * 0..1000000, a Service backend with a port, paths starting with "/", and the enum values of match types.
     */
    private static void httpRoute(HTTPRoute route, String where, List<String> p) {
        var spec = route.getSpec();
        if (spec == null) {
            p.add(where + ": spec is required");
            return;
        }
        if (spec.getParentRefs() == null || spec.getParentRefs().isEmpty() || spec.getParentRefs().size() > 32) {
            p.add(where + ": spec.parentRefs needs 1 to 32 entries");
        } else {
            spec.getParentRefs().forEach(ref -> {
                if (ref.getName() == null || ref.getName().isEmpty() || ref.getName().length() > 253) {
                    p.add(where + ": a parentRef needs a name");
                }
            });
        }
        if (spec.getHostnames() != null) {
            spec.getHostnames().forEach(h -> {
                if (!HOSTNAME.matcher(h).matches()) {
                    p.add(where + ": hostname " + h + " is not a Gateway API Hostname");
                }
            });
        }
        var rules = spec.getRules() == null ? List.<HTTPRouteRule>of() : spec.getRules();
        if (rules.size() > 16) {
            p.add(where + ": at most 16 rules, has " + rules.size());
        }
        for (int i = 0; i < rules.size(); i++) {
            HTTPRouteRule rule = rules.get(i);
            String at = where + " rules[" + i + "]";
            if (rule.getMatches() != null) {
                if (rule.getMatches().size() > 8) {
                    p.add(at + ": at most 8 matches");
                }
                rule.getMatches().forEach(m -> {
                    if (m.getPath() != null && (!Set.of("Exact", "PathPrefix", "RegularExpression")
                            .contains(m.getPath().getType()) || m.getPath().getValue() == null
                            || !m.getPath().getValue().startsWith("/"))) {
                        p.add(at + ": path match " + m.getPath().getType() + " " + m.getPath().getValue()
                                + " is not a type and an absolute path");
                    }
                    if (m.getHeaders() != null) {
                        if (m.getHeaders().size() > 16) {
                            p.add(at + ": at most 16 header matches");
                        }
                        m.getHeaders().forEach(h -> {
                            if (h.getName() == null || !HEADER_NAME.matcher(h.getName()).matches()
                                    || !Set.of("Exact", "RegularExpression").contains(h.getType())
                                    || h.getValue() == null || h.getValue().isEmpty() || h.getValue().length() > 4096) {
                                p.add(at + ": header match " + h.getName() + " " + h.getType() + " is not valid");
                            }
                        });
                    }
                });
            }
            var backends = rule.getBackendRefs() == null ? List.<HTTPBackendRef>of() : rule.getBackendRefs();
            if (backends.size() > 16) {
                p.add(at + ": at most 16 backendRefs");
            }
            backends.forEach(b -> {
                if (b.getWeight() != null && (b.getWeight() < 0 || b.getWeight() > 1_000_000)) {
                    p.add(at + ": backendRef weight " + b.getWeight() + " is not 0..1000000");
                }
                boolean service = b.getKind() == null || "Service".equals(b.getKind());
                if (service && (b.getPort() == null || b.getPort() < 1 || b.getPort() > 65535)) {
                    p.add(at + ": backendRef " + b.getName() + " to a Service needs a port");
                }
                if (b.getName() == null || b.getName().isEmpty() || b.getName().length() > 253) {
                    p.add(at + ": a backendRef needs a name");
                }
            });
        }
    }

    private static void dataKeys(Map<String, String> data, String where, List<String> p) {
        if (data != null) {
            data.keySet().stream().filter(k -> k.length() > 253 || !CONFIG_KEY.matcher(k).matches())
                    .forEach(k -> p.add(where + ": key " + k + " is not a valid config key ([-._a-zA-Z0-9]+)"));
        }
    }

    private static void base64(String value, String where, List<String> p) {
        try {
            java.util.Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            p.add(where + ": not base64");
        }
    }

    /** Volume names unique DNS labels, every mount naming one, relative paths and modes in 0..0777. */
    private static void volumes(PodSpec s, String where, List<String> p) {
        Set<String> names = new java.util.HashSet<>();
        if (s.getVolumes() != null) {
            for (Volume v : s.getVolumes()) {
                if (v.getName() == null || !DNS_LABEL.matcher(v.getName()).matches() || !names.add(v.getName())) {
                    p.add(where + ": volume name " + v.getName() + " is not a unique DNS-1123 label");
                }
                List<KeyToPath> items = v.getSecret() != null ? v.getSecret().getItems()
                        : v.getConfigMap() != null ? v.getConfigMap().getItems() : null;
                Set<String> paths = new java.util.HashSet<>();
                for (KeyToPath i : items == null ? List.<KeyToPath>of() : items) {
                    if (!relative(i.getPath()) || !paths.add(i.getPath())) {
                        p.add(where + ": volume " + v.getName() + " item path " + i.getPath()
                                + " is not a unique relative path");
                    }
                    if (i.getMode() != null && (i.getMode() < 0 || i.getMode() > 0777)) {
                        p.add(where + ": volume " + v.getName() + " item mode " + i.getMode() + " is not 0..0777");
                    }
                }
            }
        }
        for (Container c : s.getContainers()) {
            Set<String> mountPaths = new java.util.HashSet<>();
            for (VolumeMount m : c.getVolumeMounts() == null ? List.<VolumeMount>of() : c.getVolumeMounts()) {
                if (!names.contains(m.getName())) {
                    p.add(where + " container " + c.getName() + ": volumeMount " + m.getName() + " names no volume");
                }
                if (m.getMountPath() == null || !m.getMountPath().startsWith("/") || !mountPaths.add(m.getMountPath())) {
                    p.add(where + " container " + c.getName() + ": mountPath " + m.getMountPath()
                            + " is not a unique absolute path");
                }
                if (m.getSubPath() != null && !m.getSubPath().isEmpty() && !relative(m.getSubPath())) {
                    p.add(where + " container " + c.getName() + ": subPath " + m.getSubPath() + " is not relative");
                }
            }
        }
    }

    private static boolean relative(String path) {
        return path != null && !path.isEmpty() && !path.startsWith("/")
                && java.util.Arrays.stream(path.split("/")).noneMatch(".."::equals);
    }

    private static void metadata(ObjectMeta m, String where, List<String> p) {
        if (m == null || m.getName() == null) {
            p.add(where + ": metadata.name is required");
            return;
        }
        if (m.getName().length() > 253 || !DNS_SUBDOMAIN.matcher(m.getName()).matches()) {
            p.add(where + ": metadata.name is not a DNS-1123 subdomain");
        }
        labels(m.getLabels(), where + " metadata.labels", p);
        if (m.getAnnotations() != null) {
            m.getAnnotations().keySet().forEach(k -> key(k, where + " metadata.annotations", p));
        }
    }

    private static void labels(Map<String, String> labels, String where, List<String> p) {
        if (labels == null) {
            return;
        }
        labels.forEach((k, v) -> {
            key(k, where, p);
            if (v == null || (!v.isEmpty() && (v.length() > 63 || !QUALIFIED.matcher(v).matches()))) {
                p.add(where + ": value " + v + " of " + k + " is not a valid label value");
            }
        });
    }

    private static void key(String k, String where, List<String> p) {
        int slash = k.indexOf('/');
        String name = slash < 0 ? k : k.substring(slash + 1);
        boolean prefixOk = slash < 0 || DNS_SUBDOMAIN.matcher(k.substring(0, slash)).matches();
        if (!prefixOk || name.length() > 63 || !QUALIFIED.matcher(name).matches()) {
            p.add(where + ": key " + k + " is not a qualified name");
        }
    }

    private static void deployment(Deployment d, String where, List<String> p) {
        if (d.getSpec() == null) {
            p.add(where + ": spec is required");
            return;
        }
        if (d.getSpec().getReplicas() != null && d.getSpec().getReplicas() < 0) {
            p.add(where + ": spec.replicas is negative");
        }
        PodTemplateSpec template = d.getSpec().getTemplate();
        if (d.getSpec().getSelector() == null || d.getSpec().getSelector().getMatchLabels() == null
                || d.getSpec().getSelector().getMatchLabels().isEmpty()) {
            p.add(where + ": spec.selector is required (and must not be empty)");
        } else if (template == null || template.getMetadata() == null || template.getMetadata().getLabels() == null
                || !template.getMetadata().getLabels().entrySet()
                        .containsAll(d.getSpec().getSelector().getMatchLabels().entrySet())) {
            p.add(where + ": spec.selector does not match spec.template.metadata.labels");
        }
        if (template == null) {
            p.add(where + ": spec.template is required");
            return;
        }
        if (template.getMetadata() != null) {
            labels(template.getMetadata().getLabels(), where + " spec.template.metadata.labels", p);
        }
        podSpec(template.getSpec(), where + " spec.template.spec", p);
        if (template.getSpec() != null && template.getSpec().getRestartPolicy() != null
                && !"Always".equals(template.getSpec().getRestartPolicy())) {
            p.add(where + ": a Deployment's pods must have restartPolicy Always");
        }
    }

    private static void podSpec(PodSpec s, String where, List<String> p) {
        if (s == null || s.getContainers() == null || s.getContainers().isEmpty()) {
            p.add(where + ": containers is required");
            return;
        }
        volumes(s, where, p);
        if (s.getTerminationGracePeriodSeconds() != null && s.getTerminationGracePeriodSeconds() < 0) {
            p.add(where + ": terminationGracePeriodSeconds is negative");
        }
        for (Container c : s.getContainers()) {
            String at = where + " container " + c.getName();
            if (c.getName() == null || c.getName().length() > 63 || !DNS_LABEL.matcher(c.getName()).matches()) {
                p.add(at + ": name is not a DNS-1123 label");
            }
            if (c.getImage() == null || c.getImage().isBlank()) {
                p.add(at + ": image is required");
            }
            if (c.getPorts() != null) {
                for (ContainerPort port : c.getPorts()) {
                    port(port, at, p);
                }
            }
            if (c.getEnv() != null) {
                for (EnvVar e : c.getEnv()) {
                    if (e.getName() == null || !ENV_NAME.matcher(e.getName()).matches()) {
                        p.add(at + ": env name " + e.getName() + " is not valid");
                    }
                }
            }
            if (c.getResources() != null) {
                quantities(c.getResources().getLimits(), at + " limits", p);
                quantities(c.getResources().getRequests(), at + " requests", p);
            }
            probe(c.getReadinessProbe(), at + " readinessProbe", false, p);
            probe(c.getLivenessProbe(), at + " livenessProbe", true, p);
        }
    }

    private static void port(ContainerPort port, String at, List<String> p) {
        if (port.getContainerPort() == null || port.getContainerPort() < 1 || port.getContainerPort() > 65535) {
            p.add(at + ": containerPort " + port.getContainerPort() + " is not a port");
        }
        String name = port.getName();
        if (name != null && (name.length() > 15 || !IANA_SVC_NAME.matcher(name).matches() || name.contains("--")
                || !name.matches(".*[a-z].*"))) {
            p.add(at + ": port name " + name + " is not an IANA service name of at most 15 characters");
        }
        if (port.getProtocol() != null && !Set.of("TCP", "UDP", "SCTP").contains(port.getProtocol())) {
            p.add(at + ": protocol " + port.getProtocol() + " is not TCP, UDP or SCTP");
        }
    }

    private static void quantities(Map<String, Quantity> q, String at, List<String> p) {
        if (q == null) {
            return;
        }
        q.forEach((k, v) -> {
            try {
                Quantity.getAmountInBytes(v);
            } catch (RuntimeException e) {
                p.add(at + ": " + k + " " + v + " is not a quantity");
            }
        });
    }

    private static void probe(Probe probe, String at, boolean liveness, List<String> p) {
        if (probe == null) {
            return;
        }
        int handlers = (probe.getExec() == null ? 0 : 1) + (probe.getHttpGet() == null ? 0 : 1)
                + (probe.getTcpSocket() == null ? 0 : 1) + (probe.getGrpc() == null ? 0 : 1);
        if (handlers != 1) {
            p.add(at + ": must have exactly one handler, has " + handlers);
        }
        if (probe.getPeriodSeconds() != null && probe.getPeriodSeconds() < 1
                || probe.getTimeoutSeconds() != null && probe.getTimeoutSeconds() < 1
                || probe.getFailureThreshold() != null && probe.getFailureThreshold() < 1) {
            p.add(at + ": periodSeconds, timeoutSeconds and failureThreshold must be at least 1");
        }
        if (liveness && probe.getSuccessThreshold() != null && probe.getSuccessThreshold() != 1) {
            p.add(at + ": successThreshold must be 1");
        }
        if (probe.getHttpGet() != null && (probe.getHttpGet().getPort() == null
                || probe.getHttpGet().getPath() == null || !probe.getHttpGet().getPath().startsWith("/"))) {
            p.add(at + ": httpGet needs a port and an absolute path");
        }
        if (probe.getExec() != null && (probe.getExec().getCommand() == null || probe.getExec().getCommand().isEmpty())) {
            p.add(at + ": exec needs a command");
        }
    }

    /** Fields the model does not know land in additionalProperties: the API server would drop or refuse them. */
    private static void unknownFields(Object o, String path, List<String> p, String where, Set<Object> seen) {
        if (o == null || !seen.add(o)) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                unknownFields(e, path + "[" + i++ + "]", p, where, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> unknownFields(v, path + "." + k, p, where, seen));
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getName().equals("getClass")) {
                continue;
            }
            Object v;
            try {
                v = m.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                if (v instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    p.add(where + ": unknown field(s) " + extra.keySet() + " at " + (path.isEmpty() ? "/" : path));
                }
            } else if (!(o instanceof Quantity) && !(o instanceof io.fabric8.kubernetes.api.model.IntOrString)) {
                unknownFields(v, path + "." + Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4),
                        p, where, seen);
            }
        }
    }
}
