package io.jenkins.plugins.slipway.runner.engine;

/** An engine call failed or ran out of time. */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}
