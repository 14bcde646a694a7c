package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.engine.FileSizes;
import io.jenkins.plugins.slipway.runner.engine.FileValues;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.TreeMap;

/**
 * A service's Compose {@code secrets} and {@code configs} at one revision: one {@code Secret} holding the values of
 * its secrets and one {@code ConfigMap} holding its configs, both named as the set's Deployment. A changed value
 * changes the service's spec (its digest is in it), so it is a new revision with a new Deployment and new objects,
 * and the pods roll as for any other change; the objects of a revision never change (they are {@code immutable}).
 * Each mount is one item of the pod's {@code secrets} or {@code configs} volume with the Compose {@code mode},
 * mounted by {@code subPath} at exactly the Compose {@code target}, read-only, so that the rest of the target's
 * directory in the image stays as it is.
 * <p>
 * The values come from the runner's store ({@link FileValues}) when the objects are created and go nowhere else:
 * not into labels, annotations, logs or the engine's error messages.
 */
final class MountedFiles {
    static final String SECRETS_VOLUME = "secrets";
    static final String CONFIGS_VOLUME = "configs";
    /** Volumes of external Secrets and ConfigMaps: {@code external-secret-0}, {@code external-config-1}. */
    static final String EXTERNAL_VOLUME_PREFIX = "external-";

    private MountedFiles() {
    }

    /**
     * What a mount asks that Kubernetes cannot do: files of a Secret or ConfigMap volume belong to root (the
     * kubelet gives a pod's volumes one group, {@code fsGroup}, for every volume at once), so an owner other than
     * 0:0 is refused rather than mounted with the wrong owner.
     */
    static List<ApiError.Problem> problems(ServiceSpec s) {
        List<ApiError.Problem> out = new ArrayList<>();
        Map<FileMount.Kind, Integer> index = new LinkedHashMap<>();
        for (FileMount m : s.files()) {
            int i = index.merge(m.kind(), 1, Integer::sum) - 1;
            if (m.uid() != 0 || m.gid() != 0) {
                out.add(new ApiError.Problem("services." + s.name() + "." + m.kind().key() + "[" + i + "]",
                        m.source() + " asks for owner " + m.uid() + ":" + m.gid() + ", but Kubernetes mounts Secret"
                                + " and ConfigMap files owned by root (0:0); drop uid and gid, and give a mode the"
                                + " service's user can read (the default 0444 is readable by all)"));
            }
        }
        return out;
    }

    /**
     * The most a Secret or a ConfigMap may hold: the API server adds up the bytes of its values (not the keys, not
     * base64) and refuses more than 1 MiB ({@code MaxSecretSize} in Kubernetes' validation, for both kinds).
     */
    static final long MAX_OBJECT_BYTES = 1024 * 1024;

    /**
     * A service whose secrets (or configs) add up to more than {@link #MAX_OBJECT_BYTES}: its one Secret (or
     * ConfigMap) would be refused when its first replica is created, so the deploy is refused instead, naming the
     * service, the object and each value's size. A value mounted twice is stored once.
     */
    static List<ApiError.Problem> sizeProblems(ServiceSpec s, FileSizes sizes) {
        List<ApiError.Problem> out = new ArrayList<>();
        for (FileMount.Kind kind : FileMount.Kind.values()) {
            Map<String, Long> bySource = new TreeMap<>();
            held(s, kind).forEach(m -> bySource.putIfAbsent(m.source(), sizes.bytes(m)));
            long total = bySource.values().stream().mapToLong(Long::longValue).sum();
            if (total > MAX_OBJECT_BYTES) {
                String object = kind == FileMount.Kind.SECRET ? "Secret" : "ConfigMap";
                String each = bySource.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " bytes")
                        .collect(java.util.stream.Collectors.joining(", "));
                out.add(new ApiError.Problem("services." + s.name() + "." + kind.key(), "service " + s.name()
                        + " mounts " + total + " bytes of " + kind.key() + " (" + each + "), which the engine keeps"
                        + " in one " + object + " per revision, and Kubernetes refuses a " + object + " over "
                        + MAX_OBJECT_BYTES + " bytes (1 MiB); mount fewer or smaller " + kind.key()
                        + " in this service, or split it"));
            }
        }
        return out;
    }

    /** The set's Secret, or null when the service mounts no secret. */
    static Secret secret(String runnerId, String namespace, ReplicaSetSpec set, FileValues values) {
        Map<String, String> data = new TreeMap<>();
        for (FileMount m : held(set.spec(), FileMount.Kind.SECRET)) {
            data.put(m.source(), Base64.getEncoder().encodeToString(values.value(set.app(), set.revision(), m)));
        }
        if (data.isEmpty()) {
            return null;
        }
        return new SecretBuilder().withMetadata(metadata(runnerId, namespace, set)).withType("Opaque")
                .withImmutable(true).withData(data).build();
    }

    /** The set's ConfigMap, or null when the service mounts no config. Text as {@code data}, other bytes binary. */
    static ConfigMap configMap(String runnerId, String namespace, ReplicaSetSpec set, FileValues values) {
        Map<String, String> text = new TreeMap<>();
        Map<String, String> binary = new TreeMap<>();
        for (FileMount m : held(set.spec(), FileMount.Kind.CONFIG)) {
            byte[] value = values.value(set.app(), set.revision(), m);
            String utf8 = utf8(value);
            if (utf8 != null) {
                text.put(m.source(), utf8);
            } else {
                binary.put(m.source(), Base64.getEncoder().encodeToString(value));
            }
        }
        if (text.isEmpty() && binary.isEmpty()) {
            return null;
        }
        return new ConfigMapBuilder().withMetadata(metadata(runnerId, namespace, set)).withImmutable(true)
                .withData(text.isEmpty() ? null : text).withBinaryData(binary.isEmpty() ? null : binary).build();
    }

    /**
     * Adds the pod's {@code secrets} and {@code configs} volumes (from the objects named {@code name}), a volume per
     * external Secret or ConfigMap ({@link ExternalObjects}; {@code externalKey} says which of its keys a mount
     * reads), and a read-only mount of each file at its target.
     */
    static void apply(String name, ServiceSpec s, PodSpecBuilder pod, ContainerBuilder c,
                      Function<FileMount, String> externalKey) {
        // Each external object's volume (external-secret-0, external-config-1: volume names are DNS labels, the
        // object's own name is in the volume's source) with its items, in order of first mount.
        Map<String, FileMount> externalVolumes = new LinkedHashMap<>();
        Map<String, List<KeyToPath>> itemsByVolume = new LinkedHashMap<>();
        for (FileMount.Kind kind : FileMount.Kind.values()) {
            List<FileMount> mounts = mounts(s, kind);
            for (int i = 0; i < mounts.size(); i++) {
                FileMount m = mounts.get(i);
                // One item per mount: a source mounted twice, with two modes, is two files.
                String path = i + "-" + m.source();
                String volume;
                if (m.external() == null) {
                    volume = kind == FileMount.Kind.SECRET ? SECRETS_VOLUME : CONFIGS_VOLUME;
                } else {
                    volume = externalVolumes.entrySet().stream()
                            .filter(e -> e.getValue().kind() == kind && e.getValue().external().equals(m.external()))
                            .map(Map.Entry::getKey).findFirst()
                            .orElse(EXTERNAL_VOLUME_PREFIX + kind.name().toLowerCase(java.util.Locale.ROOT) + "-"
                                    + externalVolumes.size());
                    externalVolumes.putIfAbsent(volume, m);
                }
                String key = m.external() == null ? m.source() : externalKey.apply(m);
                itemsByVolume.computeIfAbsent(volume, v -> new ArrayList<>())
                        .add(new KeyToPathBuilder().withKey(key).withMode(m.mode()).withPath(path).build());
                c.addToVolumeMounts(new VolumeMountBuilder().withName(volume).withMountPath(m.target())
                        .withSubPath(path).withReadOnly(true).build());
            }
        }
        itemsByVolume.forEach((volume, items) -> {
            FileMount external = externalVolumes.get(volume);
            boolean secret = external == null ? volume.equals(SECRETS_VOLUME) : external.kind() == FileMount.Kind.SECRET;
            String object = external == null ? name : external.external();
            VolumeBuilder v = new VolumeBuilder().withName(volume);
            if (secret) {
                v.withNewSecret().withSecretName(object).withItems(items).endSecret();
            } else {
                v.withNewConfigMap().withName(object).withItems(items).endConfigMap();
            }
            pod.addToVolumes(v.build());
        });
    }

    /** Whether a Deployment's pods mount a Secret or a ConfigMap of the set (so that they go with it). */
    static boolean mountsFiles(PodSpec pod) {
        return pod != null && pod.getVolumes() != null && pod.getVolumes().stream().map(Volume::getName)
                .anyMatch(n -> n.equals(SECRETS_VOLUME) || n.equals(CONFIGS_VOLUME));
    }

    private static List<FileMount> mounts(ServiceSpec s, FileMount.Kind kind) {
        return s.files().stream().filter(m -> m.kind() == kind).toList();
    }

    /** The mounts of values the runner holds (not external), which go into the set's own Secret or ConfigMap. */
    private static List<FileMount> held(ServiceSpec s, FileMount.Kind kind) {
        return s.files().stream().filter(m -> m.kind() == kind && m.external() == null).toList();
    }

    private static ObjectMeta metadata(String runnerId, String namespace, ReplicaSetSpec set) {
        Map<String, String> labels = new LinkedHashMap<>(
                DeploymentManifests.selector(runnerId, set.app(), set.service(), set.revision()));
        labels.put(DeploymentManifests.NAME, KubernetesNames.labelValue(set.service()));
        labels.put(DeploymentManifests.PART_OF, set.app());
        labels.put(DeploymentManifests.MANAGED_BY, DeploymentManifests.MANAGER);
        return new ObjectMetaBuilder()
                .withName(KubernetesNames.deployment(set.app(), set.service(), set.revision(), runnerId))
                .withNamespace(namespace).withLabels(labels)
                .withAnnotations(Map.of(Labels.SERVICE, set.service())).build();
    }

    /** The bytes as text when they are valid UTF-8, else null. */
    private static String utf8(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
