package io.jenkins.plugins.slipway.runner.engine.docker;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.DeviceRequest;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.api.model.Ulimit;
import io.jenkins.plugins.slipway.runner.compose.ContainerSettings;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.container.ReplicaSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Compose container keys in docker-java's words: mounts, limits, logging, and the rest as they are. */
final class ContainerOptions {
    private ContainerOptions() {
    }

    /** What lives in the host config: mounts, read-only root, and the host-facing settings. */
    static void apply(ReplicaSpec.Attachments a, HostConfig host) {
        List<Mount> mounts = new ArrayList<>();
        for (ServiceWiring.Mount m : a.mounts()) {
            Mount mount = new Mount().withTarget(m.target()).withReadOnly(m.readOnly());
            switch (m.type()) {
                case VOLUME -> mount.withType(MountType.VOLUME).withSource(m.source());
                case BIND -> mount.withType(MountType.BIND).withSource(m.source());
                case TMPFS -> {
                    mount.withType(MountType.TMPFS);
                    if (m.sizeBytes() > 0) {
                        mount.withTmpfsOptions(new TmpfsOptions().withSizeBytes(m.sizeBytes()));
                    }
                }
                default -> throw new IllegalStateException("mount type " + m.type());
            }
            mounts.add(mount);
        }
        if (!mounts.isEmpty()) {
            host.withMounts(mounts);
        }
        if (a.readOnly()) {
            host.withReadonlyRootfs(true);
        }
        ContainerSettings s = a.settings();
        if (!s.extraHosts().isEmpty()) {
            host.withExtraHosts(s.extraHosts().toArray(String[]::new));
        }
        if (!s.dns().isEmpty()) {
            host.withDns(s.dns());
        }
        if (!s.dnsSearch().isEmpty()) {
            host.withDnsSearch(s.dnsSearch());
        }
        if (s.init() != null) {
            host.withInit(s.init());
        }
        if (!s.ulimits().isEmpty()) {
            host.withUlimits(s.ulimits().entrySet().stream()
                    .map(e -> new Ulimit(e.getKey(), e.getValue().soft(), e.getValue().hard())).toList());
        }
        if (s.shmSizeBytes() > 0) {
            host.withShmSize(s.shmSizeBytes());
        }
        if (s.logging() != null) {
            host.withLogConfig(new LogConfig(loggingType(s.logging().driver()), s.logging().options()));
        }
        if (s.reservations() != null) {
            if (s.reservations().memoryBytes() > 0) {
                host.withMemoryReservation(s.reservations().memoryBytes());
            }
            if (!s.reservations().devices().isEmpty()) {
                host.withDeviceRequests(s.reservations().devices().stream().map(ContainerOptions::deviceRequest).toList());
            }
        }
        if (!s.capDrop().isEmpty()) {
            host.withCapDrop(capabilities(s.capDrop()));
        }
        if (s.privileged()) {
            host.withPrivileged(true);
        }
        if (!s.capAdd().isEmpty()) {
            host.withCapAdd(capabilities(s.capAdd()));
        }
        if (!s.devices().isEmpty()) {
            host.withDevices(s.devices().stream().map(Device::parse).toList());
        }
        if (!s.securityOpt().isEmpty()) {
            host.withSecurityOpts(s.securityOpt());
        }
        if (!s.sysctls().isEmpty()) {
            host.withSysctls(s.sysctls());
        }
        if (s.pid() != null) {
            host.withPidMode(s.pid());
        }
        if (s.ipc() != null) {
            host.withIpcMode(s.ipc());
        }
        if (s.networkMode() != null) {
            host.withNetworkMode(s.networkMode());
        }
    }

    /** What lives on the container itself. */
    static void apply(ContainerSettings s, CreateContainerCmd cmd) {
        if (s.user() != null) {
            cmd.withUser(s.user());
        }
        if (s.workingDir() != null) {
            cmd.withWorkingDir(s.workingDir());
        }
        if (s.hostname() != null) {
            cmd.withHostName(s.hostname());
        }
        if (s.domainname() != null) {
            cmd.withDomainName(s.domainname());
        }
        if (s.stopSignal() != null) {
            cmd.withStopSignal(s.stopSignal());
        }
    }

    private static LogConfig.LoggingType loggingType(String driver) {
        for (LogConfig.LoggingType t : LogConfig.LoggingType.values()) {
            if (t.getType().equals(driver)) {
                return t;
            }
        }
        throw new EngineException("logging driver " + driver + " is not one docker-java knows", null);
    }

    private static Capability[] capabilities(List<String> names) {
        return names.stream()
                .map(n -> Capability.valueOf(n.toUpperCase(Locale.ROOT).replaceFirst("^CAP_", "")))
                .toArray(Capability[]::new);
    }

    private static DeviceRequest deviceRequest(ContainerSettings.DeviceRequest d) {
        DeviceRequest r = new DeviceRequest().withCount(d.count()).withCapabilities(List.of(d.capabilities()))
                .withOptions(d.options());
        if (d.driver() != null) {
            r.withDriver(d.driver());
        }
        if (!d.deviceIds().isEmpty()) {
            r.withDeviceIds(d.deviceIds()).withCount(null);
        }
        return r;
    }
}
