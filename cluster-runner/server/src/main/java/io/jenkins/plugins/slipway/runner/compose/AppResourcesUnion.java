package io.jenkins.plugins.slipway.runner.compose;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The networks and volumes several revisions of an app declare together; a later revision's definition wins. */
public final class AppResourcesUnion {
    private AppResourcesUnion() {
    }

    /** @param oldestFirst the revisions' resources, oldest first */
    public static AppResources of(List<AppResources> oldestFirst) {
        Map<String, AppResources.Network> networks = new LinkedHashMap<>();
        Map<String, AppResources.Volume> volumes = new LinkedHashMap<>();
        for (AppResources r : oldestFirst) {
            networks.putAll(r.networks());
            volumes.putAll(r.volumes());
        }
        return new AppResources(networks, volumes);
    }
}
