package io.jenkins.plugins.slipway.runner.it.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The cluster the Kubernetes ITs run on: {@link MockCluster} here, or, with the {@code kubernetes} Maven profile
 * ({@code -Pkubernetes}, system property {@code slipway.it.kubeconfig}), the real cluster {@code KUBECONFIG} points
 * at ({@link RealCluster}).
 */
abstract class ItCluster implements AutoCloseable {

    static ItCluster start(Path dir) throws IOException {
        String kubeconfig = System.getProperty("slipway.it.kubeconfig", "");
        if (kubeconfig.startsWith("${")) {
            throw new IllegalStateException("-Pkubernetes runs against the cluster KUBECONFIG points at: set KUBECONFIG");
        }
        return kubeconfig.isBlank() ? MockCluster.start(dir) : RealCluster.connect(Path.of(kubeconfig));
    }

    abstract KubernetesClient client();

    abstract String namespace();

    /** A kubeconfig for the runner. */
    abstract Path kubeconfig();

    /** The test image at a version: answers "version VERSION" on 8080, 200 at /health ({@code failing-*}: 500 but /health). */
    abstract String image(String version);

    /** What the API server would have refused of the writes so far (a real one refuses them itself: none). */
    abstract List<String> problems();

    /** Writes checked so far by {@code "METHOD resource"}, where the cluster counts them. */
    abstract OptionalInt writes(String methodAndResource);

    List<Deployment> deployments() {
        return client().apps().deployments().inNamespace(namespace()).list().getItems();
    }

    List<Pod> pods() {
        return client().pods().inNamespace(namespace()).list().getItems();
    }

    /** The pods of {@code app} as {@code image ready|unready}, sorted. */
    List<String> podsOf(String app) {
        return pods().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> app.equals(p.getMetadata().getLabels().get("io.slipway.app")))
                .map(p -> p.getSpec().getContainers().get(0).getImage() + (ready(p) ? " ready" : " unready"))
                .sorted().collect(Collectors.toList());
    }

    private static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** Every object of the kinds the engine may write, in the namespace, as {@code Kind/name}. */
    List<String> objects() {
        String ns = namespace();
        KubernetesClient c = client();
        List<String> all = new ArrayList<>();
        deployments().forEach(d -> all.add("Deployment/" + d.getMetadata().getName()));
        c.apps().replicaSets().inNamespace(ns).list().getItems().forEach(s -> all.add("ReplicaSet/" + s.getMetadata().getName()));
        pods().forEach(p -> all.add("Pod/" + p.getMetadata().getName()));
        c.services().inNamespace(ns).list().getItems().forEach(s -> all.add("Service/" + s.getMetadata().getName()));
        c.configMaps().inNamespace(ns).list().getItems().forEach(s -> all.add("ConfigMap/" + s.getMetadata().getName()));
        c.secrets().inNamespace(ns).list().getItems().forEach(s -> all.add("Secret/" + s.getMetadata().getName()));
        c.persistentVolumeClaims().inNamespace(ns).list().getItems()
                .forEach(s -> all.add("PersistentVolumeClaim/" + s.getMetadata().getName()));
        try {
            c.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class).inNamespace(ns).list()
                    .getItems().forEach(r -> all.add("HTTPRoute/" + r.getMetadata().getName()));
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e; // a real cluster without Gateway API has no HTTPRoute to list
            }
        }
        return all;
    }

    @Override
    public abstract void close();
}
