/**
 * The release spec of a service ({@code services.<svc>.x-slipway.release}) as immutable values, and
 * {@link io.jenkins.plugins.slipway.runner.release.spec.ReleaseSpecParser}, which reads it from a parsed YAML tree
 * reporting every problem with its field path. Documented for users in {@code docs/release-strategies.md}.
 */
package io.jenkins.plugins.slipway.runner.release.spec;
