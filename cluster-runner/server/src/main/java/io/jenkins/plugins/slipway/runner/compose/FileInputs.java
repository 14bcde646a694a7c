package io.jenkins.plugins.slipway.runner.compose;

import java.util.Map;

/**
 * What the parser learns of the values that came with a deploy, without the secret values themselves: the keyed
 * digest of each secret and config value, and the text of each env file.
 *
 * @param secretDigests secret name to the keyed digest of its value
 * @param configDigests config name to the keyed digest of its content
 * @param envFiles      env file path, as the Compose file writes it, to its text
 */
public record FileInputs(Map<String, String> secretDigests, Map<String, String> configDigests,
                         Map<String, String> envFiles) {
    /** A deploy that came with no values. */
    public static final FileInputs NONE = new FileInputs(Map.of(), Map.of(), Map.of());

    public FileInputs {
        secretDigests = Map.copyOf(secretDigests);
        configDigests = Map.copyOf(configDigests);
        envFiles = Map.copyOf(envFiles);
    }

    Map<String, String> digests(FileMount.Kind kind) {
        return kind == FileMount.Kind.SECRET ? secretDigests : configDigests;
    }
}
