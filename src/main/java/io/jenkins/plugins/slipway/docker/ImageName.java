package io.jenkins.plugins.slipway.docker;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image repository as users write it ("registry.example:5000/team/app", "team/app") split into the
 * registry host it is pushed to and the path within it. Tags and digests are not part of it.
 */
public final class ImageName {
    private static final Pattern REPOSITORY = Pattern.compile(
            "^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$");
    private static final Pattern TAG = Pattern.compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
    /** Docker Hub, where a reference with no registry part goes. */
    public static final String DOCKER_HUB = "docker.io";

    private final String repository;
    private final String registry;

    private ImageName(String repository, String registry) {
        this.repository = repository;
        this.registry = registry;
    }

    /** @throws IllegalArgumentException naming what is wrong with {@code image} */
    public static ImageName parse(String image) {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("image is required, e.g. 'registry.example:5000/team/app'");
        }
        String s = image.trim();
        int slash = s.indexOf('/');
        String first = slash < 0 ? "" : s.substring(0, slash);
        if (s.lastIndexOf(':') > s.lastIndexOf('/') || s.contains("@")) {
            throw new IllegalArgumentException("image '" + s + "' must be a repository without tag or digest: give tags in 'tags'");
        }
        if (!REPOSITORY.matcher(s).matches()) {
            throw new IllegalArgumentException("image '" + s + "' is not a valid repository name (lower case letters, digits, "
                    + "separators '.', '_', '-', path components separated by '/')");
        }
        boolean hasRegistry = slash > 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        return new ImageName(s, hasRegistry ? first.toLowerCase(Locale.ROOT) : DOCKER_HUB);
    }

    /** @throws IllegalArgumentException when {@code tag} is not a valid Docker tag */
    public static String checkTag(String tag) {
        if (tag == null || !TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("tag '" + tag + "' is not valid: up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'");
        }
        return tag;
    }

    public String repository() {
        return repository;
    }

    /** host[:port] of the registry, or {@value #DOCKER_HUB}. */
    public String registry() {
        return registry;
    }

    public String withTag(String tag) {
        return repository + ":" + tag;
    }

    @Override
    public String toString() {
        return repository;
    }
}
