package io.jenkins.plugins.slipway.runner.client;

/**
 * The runner refused a call (4xx/5xx, with its {@link ApiError}) or could not be reached (status 0).
 * The message names the call and the runner's reason; it never contains the API token.
 */
public class RunnerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ApiError error;

    public RunnerException(String message, int status, ApiError error, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.error = error;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }

    /** The runner's error body, or null. */
    public ApiError error() {
        return error;
    }
}
