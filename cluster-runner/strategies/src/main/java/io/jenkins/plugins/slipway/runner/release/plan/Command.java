package io.jenkins.plugins.slipway.runner.release.plan;

/** What a person (API, CLI, pipeline step) may ask of a running release. */
public enum Command {
    /** {@code POST .../promote {"full": false}}: end the current step (a pause, an analysis) and go on. */
    Promote,
    /** {@code POST .../promote {"full": true}}: skip every remaining step; the new revision gets 100%. */
    PromoteFull,
    /** {@code POST .../abort}: traffic back to stable, new replicas removed, phase Aborted. */
    Abort,
    /** {@code POST .../pause}: hold the release where it is. */
    Pause,
    /** {@code POST .../resume}: go on after a pause by hand, or re-run an inconclusive analysis. */
    Resume;

    /** The verb as a person says it: {@code promote}, {@code promote fully}. */
    public String verb() {
        return switch (this) {
            case Promote -> "promote";
            case PromoteFull -> "promote fully";
            case Abort -> "abort";
            case Pause -> "pause";
            case Resume -> "resume";
        };
    }
}
