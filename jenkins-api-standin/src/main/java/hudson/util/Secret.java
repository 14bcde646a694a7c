package hudson.util;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;
import java.util.Base64;
import java.nio.charset.StandardCharsets;

/**
 * Stand-in of core's {@code Secret}. Real Jenkins encrypts with the controller's key; here
 * getEncryptedValue() only encodes, so nothing in this stand-in is a security boundary.
 */
public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    @NonNull
    public String getPlainText() {
        return value;
    }

    public String getEncryptedValue() {
        return "{" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "}";
    }

    @NonNull
    public static Secret fromString(@CheckForNull String data) {
        return new Secret(data == null ? "" : data);
    }

    @NonNull
    public static String toString(@CheckForNull Secret s) {
        return s == null ? "" : s.value;
    }

    @Override
    @Deprecated
    public String toString() {
        return value;
    }

    @Override
    public boolean equals(Object that) {
        return that instanceof Secret && ((Secret) that).value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
