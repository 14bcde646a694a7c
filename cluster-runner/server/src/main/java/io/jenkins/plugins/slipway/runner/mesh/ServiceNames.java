package io.jenkins.plugins.slipway.runner.mesh;

import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The names other services call a service by, per network key of its app. */
final class ServiceNames {
    private ServiceNames() {
    }

    /** By network key: the service's name, then its aliases and {@code container_name} there. */
    static Map<String, List<String>> of(ServiceSpec spec) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        spec.wiring().networks().forEach((key, aliases) -> {
            List<String> all = new ArrayList<>();
            all.add(spec.name());
            aliases.stream().filter(a -> !all.contains(a)).forEach(all::add);
            names.put(key, all);
        });
        return names;
    }
}
