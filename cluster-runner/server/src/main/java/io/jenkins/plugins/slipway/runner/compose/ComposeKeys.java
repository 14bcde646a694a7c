package io.jenkins.plugins.slipway.runner.compose;

import java.util.Map;
import java.util.Set;

/**
 * What the runner does with each key of the Compose specification that it does not honour: a few change nothing
 * on a runner and are ignored with a warning; every other one is refused with the reason, so that nothing that
 * changes what runs is silently dropped. docs/compose-extensions.md has the whole table.
 */
final class ComposeKeys {
    private ComposeKeys() {
    }

    /** Top-level keys that change nothing on a runner. */
    static final Map<String, String> TOP_IGNORED = Map.of(
            "version", "ignored: obsolete in the Compose specification",
            "name", "ignored: the app's name is the one in the deploy request");

    /** Service keys that change nothing on a runner. */
    static final Map<String, String> SERVICE_IGNORED = Map.of(
            "attach", "ignored: the runner does not attach to logs",
            "develop", "ignored: it only drives `docker compose watch`",
            "platform", "ignored: the engine runs the image's platform for its own architecture");

    /** The keys the runner honours only when started with {@code --allow-privileged}. */
    static final Set<String> PRIVILEGED = Set.of("privileged", "cap_add", "devices", "security_opt", "sysctls",
            "pid", "ipc", "network_mode");

    /** Why a service key is refused; keys not listed get a generic reason. */
    static final Map<String, String> SERVICE_REFUSED = Map.ofEntries(
            Map.entry("cpus", "use deploy.resources.limits.cpus"),
            Map.entry("mem_limit", "use deploy.resources.limits.memory"),
            Map.entry("mem_reservation", "use deploy.resources.reservations.memory"),
            Map.entry("scale", "use deploy.replicas"),
            Map.entry("gpus", "use deploy.resources.reservations.devices with capabilities: [gpu]"),
            Map.entry("links", "services reach each other by name on the app's networks; use networks.*.aliases"),
            Map.entry("external_links", "use a network with external: true shared with the other app"),
            Map.entry("volumes_from", "declare a named volume and mount it in both services"),
            Map.entry("extends", "resolve it first (docker compose config) and deploy the result"),
            Map.entry("profiles", "profiles choose which services run; deploy a file with the services you want"),
            Map.entry("env_file", "the runner cannot read files; the plugin and the CLI merge env_file into"
                    + " environment before they deploy"),
            Map.entry("label_file", "the runner cannot read files; put the labels in labels:"),
            Map.entry("pull_policy", "the runner pulls an image only when the engine does not have it"),
            Map.entry("post_start", "lifecycle hooks are not supported"),
            Map.entry("pre_stop", "lifecycle hooks are not supported"),
            Map.entry("runtime", "the engine's default runtime is used"),
            Map.entry("isolation", "the engine's default isolation is used"),
            Map.entry("userns_mode", "the engine's user namespace setting is used"),
            Map.entry("uts", "the replica's own UTS namespace is used"),
            Map.entry("cgroup", "the engine's cgroup namespace setting is used"),
            Map.entry("cgroup_parent", "the engine's cgroup parent is used"),
            Map.entry("mac_address", "several replicas cannot share one MAC address"),
            Map.entry("tty", "replicas run without a terminal"),
            Map.entry("stdin_open", "replicas run without standard input"),
            Map.entry("use_api_socket", "replicas get no access to the engine's API"),
            Map.entry("provider", "provider services are not supported"),
            Map.entry("models", "models are not supported"));

    /** Top-level keys the runner refuses, with the reason. */
    static final Map<String, String> TOP_REFUSED = Map.of(
            "include", "resolve it first (docker compose config) and deploy the result",
            "models", "models are not supported");

    /** The generic reason for a key the runner has no support for. */
    static String refusal(String key, Map<String, String> reasons) {
        String why = reasons.get(key);
        return "is not supported by the runner" + (why == null ? "" : ": " + why);
    }
}
