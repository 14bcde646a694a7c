package io.jenkins.plugins.slipway.runner.engine;

import java.util.List;

/**
 * What removing an app's named volumes did: the volumes removed, and those the engine could not reach and left
 * where they are, so that the answer says so rather than leaving the user to think the data is gone.
 *
 * @param removed engine names of the volumes removed
 * @param left    volumes still there, each with where and why
 */
public record VolumeRemoval(List<String> removed, List<Left> left) {
    private static final VolumeRemoval NONE = new VolumeRemoval(List.of(), List.of());

    /**
     * A volume left in place.
     *
     * @param volume its engine name
     * @param node   the node it lives on
     * @param reason why the runner could not remove it, and how to
     */
    public record Left(String volume, String node, String reason) {
    }

    public VolumeRemoval {
        removed = List.copyOf(removed);
        left = List.copyOf(left);
    }

    /** Nothing was asked to be removed, or there was nothing. */
    public static VolumeRemoval none() {
        return NONE;
    }

    /** Every volume named was removed. */
    public static VolumeRemoval of(List<String> removed) {
        return new VolumeRemoval(removed, List.of());
    }
}
