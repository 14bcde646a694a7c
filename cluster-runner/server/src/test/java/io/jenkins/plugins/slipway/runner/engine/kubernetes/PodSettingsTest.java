package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.ContainerSettings;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The app model's parts on a pod: volumes as claims, reservations and GPUs, security; refusals say why. */
class PodSettingsTest {
    private static final AppResources RESOURCES = new AppResources(Map.of(AppResources.DEFAULT_NETWORK,
            AppResources.Network.DEFAULT), Map.of(
            "data", new AppResources.Volume(null, Map.of("size", "5Gi"), false, null, Map.of()),
            "shared", new AppResources.Volume(null, Map.of(), true, "team-shared", Map.of())));

    private static ServiceSpec service(List<ServiceWiring.Mount> mounts, ContainerSettings settings) {
        ServiceWiring wiring = new ServiceWiring(ServiceWiring.DEFAULT.networks(), List.of(), List.of(), mounts, true,
                Map.of(), false);
        return new ServiceSpec("db", "postgres:16", null, null, Map.of(), List.of(5432), null, Map.of(), 1, 0, 0,
                ServiceSpec.RestartPolicy.DEFAULT, ServiceSpec.UpdateConfig.DEFAULT, Duration.ofSeconds(10), null,
                new ReleaseSpec.Rolling(), wiring, settings);
    }

    private static ContainerSettings settings(String user, ContainerSettings.Reservations reservations) {
        ContainerSettings d = ContainerSettings.DEFAULT;
        return new ContainerSettings(user, "/srv", null, null, List.of("db.local:10.0.0.5"), List.of(), List.of(),
                null, null, Map.of(), 64L * 1024 * 1024, null, reservations, List.of("ALL"), false,
                List.of("NET_BIND_SERVICE"), List.of(), List.of(), Map.of(), null, null, null);
    }

    private static Deployment deployment(ServiceSpec s) {
        return DeploymentManifests.of("r1", "apps", new ReplicaSetSpec("shop", "db", 3, 1, s), RESOURCES);
    }

    @Test
    void volumesReservationsGpusAndSecurityReachThePod() {
        ContainerSettings.Reservations r = new ContainerSettings.Reservations(500_000_000L, 128L * 1024 * 1024,
                List.of(new ContainerSettings.DeviceRequest("nvidia", 2, List.of(), List.of("gpu"), Map.of())));
        Deployment d = deployment(service(List.of(
                new ServiceWiring.Mount(ServiceWiring.Mount.Type.VOLUME, "data", "/var/lib/postgresql", false, 0),
                new ServiceWiring.Mount(ServiceWiring.Mount.Type.VOLUME, "shared", "/shared", true, 0),
                new ServiceWiring.Mount(ServiceWiring.Mount.Type.TMPFS, null, "/run", false, 1024 * 1024)),
                settings("999:999", r)));

        assertThat(KubernetesObjectCheck.problems(d)).isEmpty();
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).extracting(v -> v.getPersistentVolumeClaim() == null ? "emptyDir:"
                        + v.getEmptyDir().getMedium() : v.getPersistentVolumeClaim().getClaimName())
                .containsExactly("slipway-shop-data-r1", "team-shared", "emptyDir:Memory", "emptyDir:Memory");
        assertThat(pod.getHostAliases()).singleElement()
                .satisfies(a -> assertThat(a.getIp() + " " + a.getHostnames()).isEqualTo("10.0.0.5 [db.local]"));
        Container c = pod.getContainers().get(0);
        assertThat(c.getVolumeMounts()).extracting(m -> m.getMountPath() + ":" + m.getReadOnly())
                .containsExactly("/var/lib/postgresql:false", "/shared:true", "/run:false", "/dev/shm:null");
        assertThat(c.getWorkingDir()).isEqualTo("/srv");
        assertThat(c.getSecurityContext().getRunAsUser()).isEqualTo(999L);
        assertThat(c.getSecurityContext().getRunAsGroup()).isEqualTo(999L);
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_BIND_SERVICE");
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("500m"))
                .containsEntry("memory", new Quantity("134217728"));
        assertThat(c.getResources().getLimits()).containsEntry(PodSettings.GPU, new Quantity("2"));

        assertThat(AppVolumes.claim("shop", "data", RESOURCES.volumes().get("data"), "r1", "apps"))
                .satisfies(pvc -> {
                    assertThat(KubernetesObjectCheck.problems(pvc)).isEmpty();
                    assertThat(pvc.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("5Gi"));
                });
    }

    @Test
    void whatCannotRunAsWrittenIsRefusedWithTheReason() {
        assertThatThrownBy(() -> deployment(service(List.of(
                new ServiceWiring.Mount(ServiceWiring.Mount.Type.BIND, "/etc/app", "/config", true, 0)),
                ContainerSettings.DEFAULT)))
                .hasMessageContaining("/etc/app").hasMessageContaining("host path");
        assertThatThrownBy(() -> deployment(service(List.of(), settings("postgres", null))))
                .hasMessageContaining("user postgres must be numeric");
        ContainerSettings.Reservations all = new ContainerSettings.Reservations(0, 0,
                List.of(new ContainerSettings.DeviceRequest("nvidia", -1, List.of(), List.of("gpu"), Map.of())));
        assertThatThrownBy(() -> deployment(service(List.of(), settings(null, all))))
                .hasMessageContaining("GPUs need a count");

        ServiceSpec everything = service(List.of(
                new ServiceWiring.Mount(ServiceWiring.Mount.Type.BIND, "/etc/app", "/config", true, 0)),
                settings("postgres", all));
        assertThat(DeploymentManifests.refusals(everything)).as("asked at deploy, before anything is stored")
                .extracting(p -> p.path()).containsExactly("services.db.volumes", "services.db.user",
                        "services.db.deploy.resources.reservations.devices");
    }
}
