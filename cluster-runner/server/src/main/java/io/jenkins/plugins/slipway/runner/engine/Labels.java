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
    /** On an app's networks: the key the Compose file gives the network. */
    public static final String NETWORK = "io.slipway.network";
    /** On an app's named volumes: the key the Compose file gives the volume. */
    public static final String VOLUME = "io.slipway.volume";

    private Labels() {
    }

    /** A runner's key for a replica: {@code slipway-shop-web-5-1}. */
    public static String containerName(String app, String service, int revision, int index) {
        return "slipway-" + app + "-" + service + "-" + revision + "-" + index;
    }

    /**
     * The engine-wide name of the container behind a replica key: {@code slipway-shop-web-5-1-<runner id>}.
     * Names are global on an engine, so two runners sharing one (a developer's and a test's, or a crashed
     * runner's left-overs) must not compete for the same name when they deploy an app of the same name.
     */
    public static String engineName(String containerName, String runnerId) {
        return containerName + "-" + runnerId;
    }

    /** The replica key of a container this runner named; a name it did not give is returned as it is. */
    public static String keyOf(String engineName, String runnerId) {
        String suffix = "-" + runnerId;
        return engineName.endsWith(suffix) ? engineName.substring(0, engineName.length() - suffix.length()) : engineName;
    }

    /**
     * The engine-wide name of an app's network or volume the file does not name itself:
     * {@code slipway-shop-default-<runner id>}. Per runner, like container names, so that two runners deploying
     * an app of the same name on one engine neither share data nor see each other's services.
     */
    public static String resourceName(String app, String key, String runnerId) {
        return "slipway-" + app + "-" + key + "-" + runnerId;
    }

    /** The name people read in events: {@code web-5-1}. */
    public static String replicaName(String service, int revision, int index) {
        return service + "-" + revision + "-" + index;
    }
}
