package io.jenkins.plugins.slipway.runner.analysis;

import java.util.List;
import java.util.Objects;

/**
 * How a run ended.
 *
 * @param verdict      the worst of its metrics' verdicts
 * @param message      one line saying why, with the deciding measurement's figures
 * @param measurements every measurement taken, in order
 */
public record AnalysisResult(Verdict verdict, String message, List<Measurement> measurements) {
    public AnalysisResult {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(message, "message");
        measurements = List.copyOf(measurements);
    }
}
