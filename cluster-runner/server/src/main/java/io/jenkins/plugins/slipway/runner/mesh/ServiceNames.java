package io.jenkins.plugins.slipway.runner.mesh;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The names other services call a service by, per network key of its app. */
final class ServiceNames {
    /** Compose's network every service is on unless it names others. */
    static final String DEFAULT_NETWORK = "default";

    private ServiceNames() {
    }

    /** By network key: the service's name and its aliases there. */
    static Map<String, List<String>> of(ServiceSpec spec) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        List<String> own = new ArrayList<>();
        own.add(spec.name());
        names.put(DEFAULT_NETWORK, own);
        return names;
    }
}
