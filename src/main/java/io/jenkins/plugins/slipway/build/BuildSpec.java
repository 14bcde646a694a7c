package io.jenkins.plugins.slipway.build;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** Everything the agent needs to run one build, resolved on the controller. Holds no secret. */
record BuildSpec(String repository,
                 List<String> tags,
                 String context,
                 String dockerfile,
                 Map<String, String> buildArgs,
                 String target,
                 Map<String, String> labels,
                 boolean pull,
                 boolean noCache) implements Serializable {
}
