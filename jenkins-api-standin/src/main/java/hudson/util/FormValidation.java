package hudson.util;

import java.io.IOException;

/** Stand-in of core's {@code FormValidation} (HttpResponse left out). */
public abstract class FormValidation extends IOException {
    private static final long serialVersionUID = 1L;

    /** Stand-in of {@code FormValidation.Kind}. */
    public enum Kind { OK, WARNING, ERROR }

    public final Kind kind;

    private FormValidation(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    private FormValidation(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public static FormValidation ok() {
        return new Simple(Kind.OK, null);
    }

    public static FormValidation ok(String message) {
        return new Simple(Kind.OK, message);
    }

    public static FormValidation warning(String message) {
        return new Simple(Kind.WARNING, message);
    }

    public static FormValidation error(String message) {
        return new Simple(Kind.ERROR, message);
    }

    public static FormValidation error(Throwable e, String message) {
        return new Simple(Kind.ERROR, message, e);
    }

    public abstract String renderHtml();

    private static final class Simple extends FormValidation {
        private static final long serialVersionUID = 1L;

        Simple(Kind kind, String message) {
            super(kind, message);
        }

        Simple(Kind kind, String message, Throwable cause) {
            super(kind, message, cause);
        }

        @Override
        public String renderHtml() {
            return getMessage() == null ? "<div/>" : "<div class=" + kind.name().toLowerCase() + ">" + getMessage() + "</div>";
        }
    }
}
