package io.jenkins.plugins.slipway.runner.engine;

import io.jenkins.plugins.slipway.runner.compose.AppResources;
import io.jenkins.plugins.slipway.runner.compose.AppSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceSpec;
import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The services that write to a named volume the engine makes (not an external one, which may span the nodes: the user
 * knows, the engine does not ask): on an engine whose volumes live on one node, each runs one replica. The engines
 * say why in their own words.
 */
public final class VolumeWriters {
    private VolumeWriters() {
    }

    /** By service, the first such volume it mounts read-write. */
    public static Map<String, String> of(AppSpec spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ServiceSpec s : spec.services().values()) {
            s.wiring().mounts().stream()
                    .filter(m -> m.type() == ServiceWiring.Mount.Type.VOLUME && m.source() != null && !m.readOnly())
                    .filter(m -> {
                        AppResources.Volume v = spec.resources().volumes().get(m.source());
                        return v == null || !v.external();
                    })
                    .findFirst()
                    .ifPresent(m -> out.put(s.name(), m.source()));
        }
        return out;
    }
}
