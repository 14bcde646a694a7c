package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The secrets and configs a Compose file marks {@code external: true}, on Kubernetes: a Secret (or ConfigMap) of
 * that name that someone made in the runner's namespace, mounted as the file; the runner neither makes, changes
 * nor deletes it. Compose gives a secret one value where a Secret holds keys: the file is the key named like the
 * Compose secret ({@code db_password}), else the object's only key. A missing object, or one whose key cannot be
 * chosen that way, is a 400 at deploy naming it; the keys are read, never the values.
 */
final class ExternalObjects {
    private final KubernetesClient client;
    private final String namespace;

    ExternalObjects(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** One problem per external definition that cannot be mounted as it stands. */
    List<ApiError.Problem> problems(AppSpec spec) {
        Map<String, FileMount> byPath = new LinkedHashMap<>();
        spec.services().values().forEach(s -> s.files().stream().filter(m -> m.external() != null)
                .forEach(m -> byPath.putIfAbsent(m.kind().key() + "." + m.source() + ".external", m)));
        List<ApiError.Problem> out = new ArrayList<>();
        byPath.forEach((path, m) -> {
            String object = object(m.kind()) + " " + m.external() + " in namespace " + namespace;
            List<String> keys;
            try {
                keys = keys(m.kind(), m.external());
            } catch (KubernetesClientException e) {
                out.add(new ApiError.Problem(path, object + " cannot be read: " + e.getMessage()));
                return;
            }
            if (keys == null) {
                out.add(new ApiError.Problem(path, "no " + object + ": make it first (kubectl -n " + namespace
                        + " create " + (m.kind() == FileMount.Kind.SECRET ? "secret generic " : "configmap ")
                        + m.external() + " --from-file=" + m.source() + "=FILE), or give the value in the file"
                        + " instead of external: true"));
            } else if (key(m, keys) == null) {
                out.add(new ApiError.Problem(path, object + " has the keys " + keys + ", none named " + m.source()
                        + ": the file mounted is the key named like the " + m.kind().key().replaceAll("s$", "")
                        + ", or the only key"));
            }
        });
        return out;
    }

    /**
     * Each external mount's key, for the Deployment. One whose object cannot be read now gets its own name: the pod
     * then waits with Kubernetes' reason, which the release reports.
     */
    Function<FileMount, String> keys() {
        Map<String, String> chosen = new LinkedHashMap<>();
        return m -> chosen.computeIfAbsent(m.kind() + "/" + m.external() + "/" + m.source(), k -> {
            try {
                List<String> keys = keys(m.kind(), m.external());
                String key = keys == null ? null : key(m, keys);
                return key == null ? m.source() : key;
            } catch (KubernetesClientException e) {
                return m.source();
            }
        });
    }

    /** The key mounted: the one named like the mount's source, else the only one; null when neither. */
    static String key(FileMount m, List<String> keys) {
        if (keys.contains(m.source())) {
            return m.source();
        }
        return keys.size() == 1 ? keys.get(0) : null;
    }

    /** The object's keys, sorted; null when there is no object of that name. */
    private List<String> keys(FileMount.Kind kind, String name) {
        TreeSet<String> keys = new TreeSet<>();
        if (kind == FileMount.Kind.SECRET) {
            Secret s = client.secrets().inNamespace(namespace).withName(name).get();
            if (s == null) {
                return null;
            }
            addKeys(keys, s.getData());
            addKeys(keys, s.getStringData());
        } else {
            ConfigMap c = client.configMaps().inNamespace(namespace).withName(name).get();
            if (c == null) {
                return null;
            }
            addKeys(keys, c.getData());
            addKeys(keys, c.getBinaryData());
        }
        return List.copyOf(keys);
    }

    private static void addKeys(TreeSet<String> keys, Map<String, String> values) {
        if (values != null) {
            keys.addAll(values.keySet());
        }
    }

    private static String object(FileMount.Kind kind) {
        return kind == FileMount.Kind.SECRET ? "Secret" : "ConfigMap";
    }
}
