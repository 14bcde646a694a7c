package io.jenkins.plugins.slipway.runner.release.plan;

/** Whether a person promoted a blue-green release, and how far. */
public enum Promotion {
    None,
    /** {@link Command#Promote}: do not wait for auto-promotion; the pre-promotion analysis still has to pass. */
    Next,
    /** {@link Command#PromoteFull}: switch as soon as the new revision is healthy, skipping the analysis too. */
    Full
}
