package io.jenkins.plugins.slipway.runner.compose;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A service's {@code build:} section. The runner builds nothing: the Jenkins plugin's
 * {@code slipwayBuild compose:} builds the sections and {@code slipwayPush build:} returns the pushed references,
 * which the deploy passes as {@code images}. So the section changes nothing when {@code images} names the
 * service, and is refused when it does not: the runner would otherwise run an image the section did not build.
 */
final class BuildSection {
    private BuildSection() {
    }

    static void check(String service, JsonNode node, Map<String, String> images, Problems p) {
        if (node.get("build") == null) {
            return;
        }
        String path = "services." + service + ".build";
        if (images != null && images.containsKey(service)) {
            p.warn(path, "ignored: the service runs images." + service + ", the image built from it");
        } else {
            p.error(path, "the runner does not build images: build them with slipwayBuild compose: (or docker build), "
                    + "push them and pass the pushed reference as images." + service);
        }
    }
}
