package io.jenkins.plugins.slipway.build;

import java.io.Serializable;
import java.util.List;

/** What a build produced: the image id and every reference it was tagged with. */
record BuiltImage(String id, List<String> references) implements Serializable {
}
