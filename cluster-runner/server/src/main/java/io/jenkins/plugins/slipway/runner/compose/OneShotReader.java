package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads which services run once per release instead of being kept running ({@link OneShot}): those with
 * {@code x-slipway.task}, and those another service depends on with {@code condition:
 * service_completed_successfully}. A one-shot service is refused the keys that only mean something for a service
 * kept running (ports, routes, health checks, restarts, several replicas, a canary or blue-green release), since
 * ignoring them would leave the user believing they apply.
 */
final class OneShotReader {
    private static final Set<String> TASK = Set.of("when", "timeout");

    private final Problems p;

    OneShotReader(Problems p) {
        this.p = p;
    }

    /** {@code x-slipway.task} of one service; null when it has none. */
    OneShot task(JsonNode xSlipway, String path) {
        JsonNode t = xSlipway.get("task");
        String tpath = path + ".x-slipway.task";
        if (t == null || t.isNull() || !ComposeParser.mapping(t, tpath, p)) {
            return null;
        }
        t.fieldNames().forEachRemaining(key -> {
            if (!TASK.contains(key)) {
                p.error(tpath + "." + key, "is not a key of x-slipway.task; it takes when and timeout");
            }
        });
        String when = ComposeParser.text(t, "when", tpath, p);
        OneShot.When w = null;
        if (when == null) {
            p.error(tpath + ".when", "is required: beforeRelease or afterRelease");
        } else if (when.equals(OneShot.When.BEFORE_RELEASE.composeName())) {
            w = OneShot.When.BEFORE_RELEASE;
        } else if (when.equals(OneShot.When.AFTER_RELEASE.composeName())) {
            w = OneShot.When.AFTER_RELEASE;
        } else {
            p.error(tpath + ".when", "must be beforeRelease or afterRelease, got \"" + when + "\"");
        }
        Duration timeout = ComposeParser.duration(t.get("timeout"), tpath + ".timeout", p, OneShot.DEFAULT_TIMEOUT);
        if (timeout.isZero()) {
            p.error(tpath + ".timeout", "must be longer than 0");
        }
        return w == null ? null : new OneShot(w, timeout);
    }

    /**
     * Marks the services named by a {@code service_completed_successfully} dependency as one-shot, and refuses
     * what a one-shot service cannot have.
     *
     * @param services the services as read, by name
     * @param nodes    the file's {@code services} mapping, for the keys only the file shows ({@code restart})
     * @return the services, one-shot ones marked
     */
    Map<String, ServiceSpec> apply(Map<String, ServiceSpec> services, JsonNode nodes) {
        Map<String, ServiceSpec> out = new LinkedHashMap<>(services);
        for (ServiceSpec s : services.values()) {
            s.wiring().dependsOn().forEach((name, d) -> {
                ServiceSpec target = out.get(name);
                if (target == null || d.condition() != ServiceWiring.Dependency.Condition.SERVICE_COMPLETED_SUCCESSFULLY) {
                    return;
                }
                String dpath = "services." + s.name() + ".depends_on." + name + ".condition";
                if (target.oneShot() == null) {
                    out.put(name, target.withOneShot(new OneShot(OneShot.When.BEFORE_DEPENDANTS, OneShot.DEFAULT_TIMEOUT)));
                } else if (target.oneShot().when() == OneShot.When.AFTER_RELEASE) {
                    p.error(dpath, name + " runs afterRelease, after every service of the release has started;"
                            + " nothing can wait for it to complete");
                }
            });
        }
        for (ServiceSpec s : out.values()) {
            s.wiring().dependsOn().forEach((name, d) -> {
                ServiceSpec target = out.get(name);
                String dpath = "services." + s.name() + ".depends_on." + name;
                if (target == null || target.oneShot() == null) {
                    return;
                }
                if (d.condition() == ServiceWiring.Dependency.Condition.SERVICE_HEALTHY) {
                    p.error(dpath + ".condition", name + " runs once and exits, it is never healthy; use"
                            + " service_completed_successfully");
                } else if (target.oneShot().when() == OneShot.When.AFTER_RELEASE) {
                    p.error(dpath, name + " runs afterRelease, after every service of the release has started;"
                            + " nothing can depend on it");
                }
            });
            if (s.oneShot() != null) {
                refuseRunningKeys(s, nodes.path(s.name()));
            }
        }
        return out;
    }

    private void refuseRunningKeys(ServiceSpec s, JsonNode n) {
        String path = "services." + s.name();
        String why = " is refused for " + s.name() + ": it runs once per release as a task ("
                + s.oneShot().when().composeName() + ")";
        if (s.route() != null) {
            p.error(path + ".x-slipway.route", "a route" + why + "; a task takes no traffic");
        }
        if (!s.ports().isEmpty() || !s.wiring().published().isEmpty()) {
            p.error(path + ".ports", "ports" + why + "; a task takes no traffic");
        }
        if (s.replicas() > 1) {
            p.error(path + ".deploy.replicas", s.replicas() + " replicas" + why + " in one container");
        }
        if (s.healthcheck() != null && !s.healthcheck().disabled()) {
            p.error(path + ".healthcheck", "a health check" + why + "; its exit code is its result");
        }
        if (!(s.release() instanceof ReleaseSpec.Rolling)) {
            p.error(path + ".x-slipway.release.strategy", s.release().strategy() + why
                    + "; it has no revisions side by side to shift traffic between");
        }
        JsonNode restart = n.get("restart");
        if (restart != null && !"no".equals(restart.asText())) {
            p.error(path + ".restart", "restart " + restart.asText() + why + ", never restarted; remove it or"
                    + " set it to \"no\"");
        }
        if (n.path("deploy").has("restart_policy")) {
            p.error(path + ".deploy.restart_policy", "a restart policy" + why + ", never restarted");
        }
        if (n.path("deploy").has("update_config")) {
            p.error(path + ".deploy.update_config", "update_config" + why + "; it has no replicas to update");
        }
    }
}
