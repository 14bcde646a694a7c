package io.jenkins.plugins.slipway.runner.client;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What asked for a deploy, recorded with the revision so a release can be traced back to its build. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Cause(String buildUrl, Integer buildNumber, String commit) {
}
