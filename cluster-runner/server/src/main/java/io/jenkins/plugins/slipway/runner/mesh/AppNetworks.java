package io.jenkins.plugins.slipway.runner.mesh;

import io.jenkins.plugins.slipway.runner.engine.NetworkAddress;
import java.util.Map;

/** The networks of an app as they exist on the engine, by the key the Compose file gives them. */
@FunctionalInterface
public interface AppNetworks {

    /** The app's networks the host can reach by key; empty when the engine has none or gives no host address. */
    Map<String, NetworkAddress> of(String app);
}
