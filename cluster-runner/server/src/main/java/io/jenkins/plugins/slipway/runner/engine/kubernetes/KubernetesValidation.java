package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import java.util.regex.Pattern;

/** The API server's rules for label keys and values (apimachinery's {@code validation} package). */
final class KubernetesValidation {
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private KubernetesValidation() {
    }

    /** Why {@code key} is not a label key ({@code [prefix/]name}), or null. */
    static String labelKeyProblem(String key) {
        int slash = key.indexOf('/');
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                return "label key " + key + ": the prefix must be a DNS subdomain";
            }
        }
        if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
            return "label key " + key + ": the name must be 1-63 of [A-Za-z0-9_.-], alphanumeric at both ends";
        }
        return null;
    }

    /** Why {@code value} is not a label value, or null. */
    static String labelValueProblem(String value) {
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > 63 || !QUALIFIED_NAME.matcher(value).matches()) {
            return "label value " + value + ": at most 63 of [A-Za-z0-9_.-], alphanumeric at both ends";
        }
        return null;
    }
}
