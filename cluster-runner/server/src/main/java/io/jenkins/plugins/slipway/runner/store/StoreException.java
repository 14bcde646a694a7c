package io.jenkins.plugins.slipway.runner.store;

/** The embedded database failed; the runner cannot go on with that call. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
