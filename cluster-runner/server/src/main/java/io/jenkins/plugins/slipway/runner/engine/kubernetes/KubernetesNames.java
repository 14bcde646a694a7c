package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names and label values the API server accepts, made from Slipway's (a Compose service may be called
 * {@code Web_API}; a Kubernetes name may not). A name that had to change, or to be shortened, ends in a hash of
 * the original, so two services never share a name.
 */
final class KubernetesNames {
    /** RFC 1123 label: what a container name, and in practice an object name that becomes a host name, must be. */
    static final int LABEL_MAX = 63;

    private KubernetesNames() {
    }

    /** The Deployment of one service at one revision: {@code slipway-shop-web-5-<runner id>}. */
    static String deployment(String app, String service, int revision, String runnerId) {
        return dnsLabel("slipway-" + app + "-" + service + "-" + revision + "-" + runnerId);
    }

    /** A container name: an RFC 1123 label. */
    static String container(String service) {
        return dnsLabel(service);
    }

    /** The name of container port {@code port}: an IANA service name (at most 15 characters, a letter in it). */
    static String port(int port) {
        return "tcp-" + port;
    }

    /** {@code s} as an RFC 1123 label: lower case, '-' for anything else, at most 63 characters. */
    static String dnsLabel(String s) {
        String clean = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (clean.equals(s) && clean.length() <= LABEL_MAX) {
            return clean;
        }
        String hash = hash(s);
        int keep = Math.min(clean.length(), LABEL_MAX - hash.length() - 1);
        String head = clean.substring(0, keep).replaceAll("-+$", "");
        return head.isEmpty() ? "x-" + hash : head + "-" + hash;
    }

    /** {@code s} as a label value: at most 63 of {@code [A-Za-z0-9_.-]}, alphanumeric at both ends. */
    static String labelValue(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9_.-]", "-");
        if (clean.equals(s) && clean.length() <= LABEL_MAX && clean.matches("([A-Za-z0-9].*[A-Za-z0-9])?|[A-Za-z0-9]")) {
            return clean;
        }
        String hash = hash(s);
        String head = clean.substring(0, Math.min(clean.length(), LABEL_MAX - hash.length() - 1))
                .replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        return head.isEmpty() ? hash : head + "-" + hash;
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
