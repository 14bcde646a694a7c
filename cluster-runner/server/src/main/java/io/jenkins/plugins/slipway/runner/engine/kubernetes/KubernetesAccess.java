package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;

/**
 * How the runner reaches a cluster, resolved as kubectl does: {@code --kubeconfig} when given, else
 * {@code KUBECONFIG}, else {@code ~/.kube/config}, else (in a pod) the service account's token and CA; the
 * {@code context} of that file (its current one when null); the {@code namespace} given, else the context's or the
 * pod's own, else {@code default}.
 *
 * @param kubeconfig null to look it up as kubectl does
 * @param context    null for the kubeconfig's current context
 * @param namespace  null for the context's namespace (in a pod: the pod's own)
 */
public record KubernetesAccess(Path kubeconfig, String context, String namespace) {

    /** A client for the cluster; its {@link Config#getNamespace()} is the namespace the runner works in. */
    public KubernetesClient connect() {
        Config config = kubeconfig != null
                ? Config.fromKubeconfig(context, kubeconfig.toFile())
                : Config.autoConfigure(context);
        if (namespace != null) {
            config.setNamespace(namespace);
        } else if (config.getNamespace() == null) {
            config.setNamespace("default");
        }
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
