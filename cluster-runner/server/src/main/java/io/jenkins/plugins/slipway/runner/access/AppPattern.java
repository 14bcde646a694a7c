package io.jenkins.plugins.slipway.runner.access;

import java.util.regex.Pattern;

/**
 * An app name pattern of a token: an app name in which {@code *} stands for any run of characters
 * ({@code shop-*}, {@code *-staging}, {@code *}).
 */
public record AppPattern(String text) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9*][a-z0-9*-]{0,39}");

    public AppPattern {
        if (text == null || !VALID.matcher(text).matches()) {
            throw new IllegalArgumentException("an app pattern is 1-40 lower-case letters, digits, '-' or '*',"
                    + " got \"" + text + "\"");
        }
    }

    public static final AppPattern ANY = new AppPattern("*");

    /** Glob match in linear passes: on a mismatch, only the latest {@code *} takes one more character. */
    public boolean matches(String app) {
        int p = 0;
        int s = 0;
        int star = -1;
        int resume = 0;
        while (s < app.length()) {
            if (p < text.length() && text.charAt(p) == app.charAt(s)) {
                p++;
                s++;
            } else if (p < text.length() && text.charAt(p) == '*') {
                star = p++;
                resume = s;
            } else if (star >= 0) {
                p = star + 1;
                s = ++resume;
            } else {
                return false;
            }
        }
        while (p < text.length() && text.charAt(p) == '*') {
            p++;
        }
        return p == text.length();
    }

    @Override
    public String toString() {
        return text;
    }
}
