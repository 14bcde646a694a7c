package io.jenkins.plugins.slipway.runner.access;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a token may do, each role including the ones before it: read &lt; deploy &lt; admin. */
public enum Role {
    /** Look at apps, releases and their events. */
    READ,
    /** Also deploy, roll back, scale, delete apps and steer their releases (promote, abort, pause, resume). */
    DEPLOY,
    /** Also manage tokens and read the audit log; the app patterns of an admin token do not limit these. */
    ADMIN;

    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    /** The wire name: {@code read}, {@code deploy} or {@code admin}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String text) {
        return Arrays.stream(values()).filter(r -> r.wireName().equals(text)).findFirst();
    }
}
