package io.jenkins.plugins.slipway.runner.compose;

import io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpec;

/**
 * Whether two revisions of a service may run at the same time. Not when the service writes to a named volume
 * (two versions of a database on one data directory corrupt it), unless the file says the service can share it
 * ({@code x-slipway.sharedVolumes: true}); nor when it publishes a fixed host port, which only one container can
 * hold. Such a service's releases stop the old replica before the new one starts, and a canary or blue-green
 * release of it is refused.
 */
public final class RevisionOverlap {
    private RevisionOverlap() {
    }

    /** Why two revisions of the service must not overlap, or null when they may. */
    public static String exclusiveBecause(ServiceWiring w) {
        if (w.writesNamedVolume() && !w.sharedVolumes()) {
            String volume = w.mounts().stream()
                    .filter(m -> m.type() == ServiceWiring.Mount.Type.VOLUME && !m.readOnly())
                    .map(m -> m.source() == null ? "an anonymous volume at " + m.target() : "named volume " + m.source())
                    .findFirst().orElse("a volume");
            return "it writes to " + volume + " (x-slipway.sharedVolumes is not true)";
        }
        if (!w.published().isEmpty()) {
            return "it publishes host port " + w.published().get(0).hostPort();
        }
        return null;
    }

    /** The release rule that applies to a service, for the release's first event. */
    public static String rule(ServiceSpec s) {
        String why = exclusiveBecause(s.wiring());
        if (why != null) {
            return s.name() + ": stop-first, one revision at a time, because " + why;
        }
        if (s.wiring().writesNamedVolume()) {
            return s.name() + ": revisions may overlap on their volumes (x-slipway.sharedVolumes: true)";
        }
        return null;
    }

    /**
     * Applies the rule while the file is read: the update order becomes stop-first, and a canary or blue-green
     * release, or more than one replica on a fixed host port, is an error.
     */
    static ServiceSpec.UpdateConfig apply(String path, ServiceWiring wiring, ServiceSpec.UpdateConfig update,
                                          ReleaseSpec release, int replicas, Problems p) {
        String why = exclusiveBecause(wiring);
        if (why == null) {
            return update;
        }
        if (!(release instanceof ReleaseSpec.Rolling)) {
            p.error(path + ".x-slipway.release.strategy", release.strategy() + " refused: it runs two revisions at"
                    + " once, and " + why + "; use rolling (stop-first), or set x-slipway.sharedVolumes: true if"
                    + " the service can share its volume");
        }
        if (!wiring.published().isEmpty() && replicas > 1) {
            p.error(path + ".deploy.replicas", replicas + " replicas refused: only one container can hold host port "
                    + wiring.published().get(0).hostPort() + "; publish no host port and use x-slipway.route");
        }
        return new ServiceSpec.UpdateConfig(update.parallelism(), update.delay(), ServiceSpec.UpdateConfig.Order.STOP_FIRST,
                update.failureAction(), update.monitor());
    }
}
