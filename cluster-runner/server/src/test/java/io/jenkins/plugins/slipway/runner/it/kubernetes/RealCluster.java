package io.jenkins.plugins.slipway.runner.it.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * A real cluster for {@code mvn -Pkubernetes}: the one the kubeconfig points at, namespace
 * {@code slipway.it.kubernetes.namespace} (default {@code slipway-it}, which must exist), test images
 * {@code slipway.it.kubernetes.image}{@code :VERSION} (tags v1, v2 and failing-v2 of an image answering as
 * {@link PodBackend} does, on 8080). The machine running the tests must reach pod IPs, since the runner's router
 * forwards to them. Not run on the machines Slipway is built on: there is no cluster there.
 */
final class RealCluster extends ItCluster {
    private final Path kubeconfig;
    private final String namespace;
    private final String image;
    private final KubernetesClient client;

    private RealCluster(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
        this.namespace = System.getProperty("slipway.it.kubernetes.namespace", "slipway-it");
        this.image = System.getProperty("slipway.it.kubernetes.image", "");
        if (image.isBlank()) {
            throw new IllegalStateException("-Pkubernetes needs -Dslipway.it.kubernetes.image=REPOSITORY (tags v1, v2,"
                    + " failing-v2)");
        }
        Config config = Config.fromKubeconfig(null, kubeconfig.toFile());
        config.setNamespace(namespace);
        client = new KubernetesClientBuilder().withConfig(config).build();
    }

    static RealCluster connect(Path kubeconfig) {
        return new RealCluster(kubeconfig);
    }

    @Override
    KubernetesClient client() {
        return client;
    }

    @Override
    String namespace() {
        return namespace;
    }

    @Override
    Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    String image(String version) {
        return image + ":" + version;
    }

    @Override
    List<String> problems() {
        return List.of();
    }

    @Override
    OptionalInt writes(String methodAndResource) {
        return OptionalInt.empty();
    }

    @Override
    public void close() {
        client.close();
    }
}
