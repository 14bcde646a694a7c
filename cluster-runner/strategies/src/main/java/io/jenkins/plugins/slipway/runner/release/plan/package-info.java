/**
 * Release decisions as pure functions (no engine, no clock, no I/O), in Argo Rollouts' shape: the controller
 * builds a per-pass context ({@link io.jenkins.plugins.slipway.runner.release.canary.CanaryContext},
 * {@link io.jenkins.plugins.slipway.runner.release.bluegreen.BlueGreenContext}), asks the planner for the next
 * {@link io.jenkins.plugins.slipway.runner.release.plan.ReleaseAction}, performs it and saves the state once.
 * {@link io.jenkins.plugins.slipway.runner.release.plan.Weights} holds the weight maths and
 * {@link io.jenkins.plugins.slipway.runner.release.plan.Phases} which commands apply (the others are 409).
 */
package io.jenkins.plugins.slipway.runner.release.plan;
