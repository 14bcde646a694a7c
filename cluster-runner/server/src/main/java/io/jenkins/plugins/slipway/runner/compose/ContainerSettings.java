package io.jenkins.plugins.slipway.runner.compose;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service keys that shape the container itself and that an engine passes on as they are (see
 * docs/compose-extensions.md). Nulls and empty collections keep the image's or the engine's default. The keys
 * that give a container power over its host ({@link #privileged()}, {@link #capAdd()}, {@link #devices()},
 * {@link #securityOpt()}, {@link #sysctls()}, host {@code pid}/{@code ipc}/{@code network_mode}) are only here
 * when the runner allows them ({@code serve --allow-privileged}).
 *
 * @param user         {@code user}
 * @param workingDir   {@code working_dir}
 * @param hostname     {@code hostname}
 * @param domainname   {@code domainname}
 * @param extraHosts   {@code extra_hosts} as {@code host:address}
 * @param dns          {@code dns} servers
 * @param dnsSearch    {@code dns_search} domains
 * @param init         {@code init}; null keeps the engine's default
 * @param stopSignal   {@code stop_signal}
 * @param ulimits      {@code ulimits} by name
 * @param shmSizeBytes {@code shm_size}, 0 for the default
 * @param logging      {@code logging}; null keeps the engine's default
 * @param reservations {@code deploy.resources.reservations}; null for none
 * @param capDrop      {@code cap_drop}
 * @param privileged   {@code privileged}
 * @param capAdd       {@code cap_add}
 * @param devices      {@code devices} as {@code host[:container[:permissions]]}
 * @param securityOpt  {@code security_opt}
 * @param sysctls      {@code sysctls}
 * @param pid          {@code pid} ({@code host}), or null
 * @param ipc          {@code ipc} ({@code host}, {@code shareable}, ...), or null
 * @param networkMode  {@code network_mode} ({@code host}, {@code none}), or null for the app's networks
 */
public record ContainerSettings(String user, String workingDir, String hostname, String domainname,
                                List<String> extraHosts, List<String> dns, List<String> dnsSearch, Boolean init,
                                String stopSignal, Map<String, Ulimit> ulimits, long shmSizeBytes, Logging logging,
                                Reservations reservations, List<String> capDrop, boolean privileged,
                                List<String> capAdd, List<String> devices, List<String> securityOpt,
                                Map<String, String> sysctls, String pid, String ipc, String networkMode) {
    /** Everything as the image and the engine have it. */
    public static final ContainerSettings DEFAULT = new ContainerSettings(null, null, null, null, List.of(), List.of(),
            List.of(), null, null, Map.of(), 0, null, null, List.of(), false, List.of(), List.of(), List.of(), Map.of(),
            null, null, null);

    public ContainerSettings {
        extraHosts = List.copyOf(extraHosts);
        dns = List.copyOf(dns);
        dnsSearch = List.copyOf(dnsSearch);
        ulimits = Collections.unmodifiableMap(new LinkedHashMap<>(ulimits));
        capDrop = List.copyOf(capDrop);
        capAdd = List.copyOf(capAdd);
        devices = List.copyOf(devices);
        securityOpt = List.copyOf(securityOpt);
        sysctls = Collections.unmodifiableMap(new LinkedHashMap<>(sysctls));
    }

    /** One {@code ulimits} entry; soft and hard are equal for the single-number form. */
    public record Ulimit(long soft, long hard) {
    }

    /** {@code logging}: the engine's log driver and its options. */
    public record Logging(String driver, Map<String, String> options) {
        public Logging {
            options = Map.copyOf(options);
        }
    }

    /**
     * {@code deploy.resources.reservations}: what the scheduler keeps for the service. One Docker engine has
     * nothing to schedule but GPUs, which become device requests.
     *
     * @param nanoCpus    {@code cpus} in billionths, 0 for none
     * @param memoryBytes {@code memory}, 0 for none
     * @param devices     {@code devices}
     */
    public record Reservations(long nanoCpus, long memoryBytes, List<DeviceRequest> devices) {
        public Reservations {
            devices = List.copyOf(devices);
        }
    }

    /**
     * A {@code reservations.devices} entry: {@code capabilities: [gpu]} asks for GPUs.
     *
     * @param count -1 for {@code all}
     */
    public record DeviceRequest(String driver, int count, List<String> deviceIds, List<String> capabilities,
                                Map<String, String> options) {
        public DeviceRequest {
            deviceIds = List.copyOf(deviceIds);
            capabilities = List.copyOf(capabilities);
            options = Map.copyOf(options);
        }
    }
}
