package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.ContainerSettings;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Compose app model's parts that have a pod counterpart: mounts (named volumes as claims, anonymous ones and
 * {@code tmpfs} as emptyDirs), {@code read_only}, {@code user}, {@code working_dir}, {@code privileged},
 * {@code cap_add}/{@code cap_drop}, {@code extra_hosts}, {@code shm_size}, and reservations as requests with GPUs
 * as {@code nvidia.com/gpu}. What cannot run as written on Kubernetes (a bind mount of a host path, a user by
 * name, {@code count: all} GPUs) is refused with the reason ({@link #problems}): at deploy, before anything is
 * stored, and for a revision stored before, when its Deployment would be written (the release says why).
 */
final class PodSettings {
    static final String GPU = "nvidia.com/gpu";

    private PodSettings() {
    }

    /** Settings a pod cannot carry, by Compose key, for a warning: they are not applied. */
    static List<String> unsupported(ContainerSettings s) {
        List<String> keys = new ArrayList<>();
        if (s.stopSignal() != null) {
            keys.add("stop_signal");
        }
        if (s.init() != null) {
            keys.add("init");
        }
        if (!s.ulimits().isEmpty()) {
            keys.add("ulimits");
        }
        if (s.logging() != null) {
            keys.add("logging");
        }
        if (!s.devices().isEmpty()) {
            keys.add("devices");
        }
        if (!s.securityOpt().isEmpty()) {
            keys.add("security_opt");
        }
        if (!s.dns().isEmpty() || !s.dnsSearch().isEmpty()) {
            keys.add("dns");
        }
        if (s.pid() != null || s.ipc() != null || s.networkMode() != null) {
            keys.add("pid/ipc/network_mode");
        }
        if (s.domainname() != null) {
            keys.add("domainname");
        }
        return keys;
    }

    /**
     * What of the service a pod cannot carry as written, by field path: a bind mount of a host path, a user by
     * name (the kubelet does not read the image's {@code /etc/passwd}), a device reservation other than GPUs with a
     * count. {@link #apply} assumes there is none.
     */
    static List<ApiError.Problem> problems(ServiceSpec s) {
        String path = "services." + s.name();
        List<ApiError.Problem> out = new ArrayList<>();
        for (ServiceWiring.Mount m : s.wiring().mounts()) {
            if (m.type() == ServiceWiring.Mount.Type.BIND) {
                out.add(new ApiError.Problem(path + ".volumes", "volume " + m.source() + ":" + m.target()
                        + " is a host path; Kubernetes pods mount named volumes (claims), not host paths"));
            }
        }
        String user = s.settings().user();
        if (user != null && !user.matches("[0-9]{1,10}(:[0-9]{1,10})?")) {
            out.add(new ApiError.Problem(path + ".user", "user " + user + " must be numeric (uid or uid:gid) on"
                    + " Kubernetes, which does not read the image's /etc/passwd"));
        }
        ContainerSettings.Reservations r = s.settings().reservations();
        for (ContainerSettings.DeviceRequest d : r == null ? List.<ContainerSettings.DeviceRequest>of() : r.devices()) {
            String at = path + ".deploy.resources.reservations.devices";
            if (!d.capabilities().contains("gpu")) {
                out.add(new ApiError.Problem(at, "device reservation " + d.capabilities()
                        + " has no Kubernetes counterpart (only capabilities [gpu])"));
            } else if ((d.count() > 0 ? d.count() : d.deviceIds().size()) <= 0) {
                out.add(new ApiError.Problem(at, "GPUs need a count on Kubernetes (count: all or no count cannot be"
                        + " scheduled)"));
            }
        }
        return out;
    }

    static void apply(String app, ServiceSpec s, AppResources resources, String runnerId, PodSpecBuilder pod,
                      ContainerBuilder c) {
        ContainerSettings settings = s.settings();
        ServiceWiring wiring = s.wiring();
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        int n = 0;
        for (ServiceWiring.Mount m : wiring.mounts()) {
            String name = "vol-" + n++;
            switch (m.type()) {
                case BIND -> throw new IllegalStateException("a bind mount reached the pod (refused by problems())");
                case VOLUME -> {
                    VolumeBuilder v = new VolumeBuilder().withName(name);
                    if (m.source() == null) {
                        v.withNewEmptyDir().endEmptyDir();
                    } else {
                        AppResources.Volume declared = resources == null ? null : resources.volumes().get(m.source());
                        v.withNewPersistentVolumeClaim()
                                .withClaimName(AppVolumes.claimName(app, m.source(), declared, runnerId))
                                .withReadOnly(m.readOnly()).endPersistentVolumeClaim();
                    }
                    volumes.add(v.build());
                }
                case TMPFS -> volumes.add(new VolumeBuilder().withName(name).withNewEmptyDir().withMedium("Memory")
                        .withSizeLimit(m.sizeBytes() > 0 ? new Quantity(String.valueOf(m.sizeBytes())) : null)
                        .endEmptyDir().build());
            }
            mounts.add(new VolumeMountBuilder().withName(name).withMountPath(m.target()).withReadOnly(m.readOnly())
                    .build());
        }
        if (settings.shmSizeBytes() > 0) {
            volumes.add(new VolumeBuilder().withName("shm").withNewEmptyDir().withMedium("Memory")
                    .withSizeLimit(new Quantity(String.valueOf(settings.shmSizeBytes()))).endEmptyDir().build());
            mounts.add(new VolumeMountBuilder().withName("shm").withMountPath("/dev/shm").build());
        }
        pod.withVolumes(volumes);
        c.withVolumeMounts(mounts);
        if (settings.workingDir() != null) {
            c.withWorkingDir(settings.workingDir());
        }
        if (settings.hostname() != null) {
            pod.withHostname(KubernetesNames.dnsLabel(settings.hostname()));
        }
        List<HostAlias> aliases = new ArrayList<>();
        for (String h : settings.extraHosts()) {
            int colon = h.indexOf(':');
            aliases.add(new HostAlias(List.of(h.substring(0, colon)), h.substring(colon + 1)));
        }
        pod.withHostAliases(aliases);
        SecurityContextBuilder security = new SecurityContextBuilder();
        boolean secured = false;
        if (wiring.readOnly()) {
            security.withReadOnlyRootFilesystem(true);
            secured = true;
        }
        if (settings.user() != null) {
            String[] ids = settings.user().split(":", 2);
            security.withRunAsUser(Long.parseLong(ids[0]));
            if (ids.length == 2) {
                security.withRunAsGroup(Long.parseLong(ids[1]));
            }
            secured = true;
        }
        if (settings.privileged()) {
            security.withPrivileged(true);
            secured = true;
        }
        if (!settings.capAdd().isEmpty() || !settings.capDrop().isEmpty()) {
            security.withCapabilities(new Capabilities(settings.capAdd(), settings.capDrop()));
            secured = true;
        }
        if (secured) {
            c.withSecurityContext(security.build());
        }
    }

    /** {@code deploy.resources.reservations} as requests, and GPUs as {@code nvidia.com/gpu}. */
    static Map<String, Quantity> requests(ServiceSpec s, Map<String, Quantity> limits) {
        Map<String, Quantity> requests = new LinkedHashMap<>();
        ContainerSettings.Reservations r = s.settings().reservations();
        if (r == null) {
            return requests;
        }
        if (r.nanoCpus() > 0) {
            requests.put("cpu", new Quantity(Math.max(1, r.nanoCpus() / 1_000_000) + "m"));
        }
        if (r.memoryBytes() > 0) {
            requests.put("memory", new Quantity(String.valueOf(r.memoryBytes())));
        }
        int gpus = 0;
        for (ContainerSettings.DeviceRequest d : r.devices()) {
            // Only GPUs with a count get here (problems()).
            gpus += d.count() > 0 ? d.count() : d.deviceIds().size();
        }
        if (gpus > 0) {
            // Extended resources are limits; Kubernetes sets the request equal.
            limits.put(GPU, new Quantity(String.valueOf(gpus)));
        }
        return requests;
    }
}
