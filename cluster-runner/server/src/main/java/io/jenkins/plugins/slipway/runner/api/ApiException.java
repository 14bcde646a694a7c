package io.jenkins.plugins.slipway.runner.api;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import java.util.List;

/** An answer other than success: the status and the {@link ApiError} body. */
public class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final transient ApiError error;

    public ApiException(int status, String message) {
        this(status, new ApiError(message, List.of()));
    }

    public ApiException(int status, ApiError error) {
        super(error.error());
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public ApiError error() {
        return error;
    }
}
