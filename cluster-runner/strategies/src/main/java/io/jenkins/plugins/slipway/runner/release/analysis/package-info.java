/**
 * The release side of analysis, first of the three layers: starts and cancels the runs of one release
 * ({@link io.jenkins.plugins.slipway.runner.release.analysis.ReleaseAnalyses}). The runs and their providers are in
 * {@link io.jenkins.plugins.slipway.runner.analysis}.
 */
package io.jenkins.plugins.slipway.runner.release.analysis;
