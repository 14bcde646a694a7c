package io.jenkins.plugins.slipway.build;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Everything the agent needs to run one build, resolved on the controller. Holds no secret.
 * {@code logPrefix} goes in front of every line of the engine's output ("" for a single build, "[api] " for a
 * service of a Compose file).
 */
record BuildSpec(String repository,
                 List<String> tags,
                 String context,
                 String dockerfile,
                 Map<String, String> buildArgs,
                 String target,
                 Map<String, String> labels,
                 boolean pull,
                 boolean noCache,
                 List<String> cacheFrom,
                 String logPrefix) implements Serializable {
}
