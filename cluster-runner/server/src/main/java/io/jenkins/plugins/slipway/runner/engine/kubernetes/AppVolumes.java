package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.engine.VolumeWriters;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An app's named volumes as PersistentVolumeClaims: {@code ReadWriteOnce}, the size from the volume's
 * {@code driver_opts.size} (default 1Gi), the storage class from {@code driver} (default: the cluster's). An
 * external volume is a claim that exists already, named by {@code name} (or its key).
 */
final class AppVolumes {
    static final String DEFAULT_SIZE = "1Gi";

    private AppVolumes() {
    }

    /**
     * The services that mount a claim this engine makes read-write, each with why it runs one replica: the claim is
     * {@code ReadWriteOnce}, which pods on one node only can mount, so a second replica scheduled elsewhere would
     * never start (and two writers on one data directory are what {@code RevisionOverlap} prevents between
     * revisions). An external claim may allow more ({@code ReadWriteMany}): the user knows, the engine does not ask.
     */
    static Map<String, String> oneReplicaOnly(AppSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        VolumeWriters.of(spec).forEach((service, volume) -> out.put(service, "it writes to named volume " + volume
                + ", a ReadWriteOnce PersistentVolumeClaim that pods on one node only can mount (mount it read-only,"
                + " or use an external claim that allows more)"));
        return out;
    }

    /** The claim behind volume {@code key} of {@code app}. */
    static String claimName(String app, String key, AppResources.Volume v, String runnerId) {
        if (v != null && v.external()) {
            return v.name() != null ? v.name() : key;
        }
        return KubernetesNames.dnsLabel("slipway-" + app + "-" + key + "-" + runnerId);
    }

    static PersistentVolumeClaim claim(String app, String key, AppResources.Volume v, String runnerId,
                                       String namespace) {
        Map<String, String> labels = new LinkedHashMap<>();
        v.labels().forEach((k, val) -> {
            if (KubernetesValidation.labelKeyProblem(k) == null && KubernetesValidation.labelValueProblem(val) == null) {
                labels.put(k, val);
            }
        });
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.APP, app);
        labels.put(DeploymentManifests.PART_OF, app);
        labels.put(DeploymentManifests.MANAGED_BY, DeploymentManifests.MANAGER);
        String size = v.driverOpts().getOrDefault("size", DEFAULT_SIZE);
        return new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(claimName(app, key, v, runnerId)).withNamespace(namespace)
                    .withLabels(labels).addToAnnotations("io.slipway.volume", key).endMetadata()
                .withNewSpec()
                    .withAccessModes("ReadWriteOnce")
                    .withStorageClassName(v.driver() == null || v.driver().equals("local") ? null : v.driver())
                    .withNewResources().addToRequests("storage", new Quantity(size)).endResources()
                .endSpec()
                .build();
    }
}
