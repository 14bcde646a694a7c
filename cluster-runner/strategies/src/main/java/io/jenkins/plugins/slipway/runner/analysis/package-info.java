/**
 * Analysis runs and providers, the second and third layers: an
 * {@link io.jenkins.plugins.slipway.runner.analysis.AnalysisRun} measures every interval and judges (worst result
 * wins, failure and inconclusive limits); providers (router metrics, http probe, webhook) sit behind
 * {@link io.jenkins.plugins.slipway.runner.analysis.MetricProvider} and are made by
 * {@link io.jenkins.plugins.slipway.runner.analysis.MetricProviders}. Time comes from an injectable
 * {@link io.jenkins.plugins.slipway.runner.analysis.AnalysisScheduler}.
 */
package io.jenkins.plugins.slipway.runner.analysis;
