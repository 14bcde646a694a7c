package io.jenkins.plugins.slipway.runner.engine;

/** The labels every replica carries: how the runner finds its containers again after a restart. */
public final class Labels {
    /**
     * Id of the runner that owns the replica. Several runners may share one engine (a developer's and a test's):
     * each one only ever lists, replaces or removes the replicas carrying its own id.
     */
    public static final String RUNNER = "io.slipway.runner";
    public static final String APP = "io.slipway.app";
    public static final String SERVICE = "io.slipway.service";
    public static final String REVISION = "io.slipway.revision";
    public static final String REPLICA = "io.slipway.replica";

    private Labels() {
    }

    /** Engine-wide unique name of a replica: {@code slipway-shop-web-5-1}. */
    public static String containerName(String app, String service, int revision, int index) {
        return "slipway-" + app + "-" + service + "-" + revision + "-" + index;
    }

    /** The name people read in events: {@code web-5-1}. */
    public static String replicaName(String service, int revision, int index) {
        return service + "-" + revision + "-" + index;
    }
}
