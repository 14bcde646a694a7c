package io.jenkins.plugins.slipway.runners;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Run;
import hudson.util.Secret;
import io.jenkins.plugins.slipway.config.ClusterRunner;
import io.jenkins.plugins.slipway.config.CredentialLookup;
import io.jenkins.plugins.slipway.config.SlipwayConfiguration;
import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerTls;
import java.io.IOException;
import jenkins.model.Jenkins;

/** Opens {@link RunnerConnection}s from the global configuration, for the steps that talk to a runner. */
public final class RunnerConnections {

    private RunnerConnections() {
    }

    /**
     * The runner named {@code name}, or the default runner when {@code name} is null, with its API token
     * resolved for {@code run}.
     *
     * @throws IOException (an {@link hudson.AbortException}) naming what is missing: no such runner, no runner at
     *                     all, or a credential that does not exist or is not a Secret text
     */
    public static RunnerConnection open(@CheckForNull String name, Run<?, ?> run) throws IOException {
        ClusterRunner runner = SlipwayConfiguration.get().runner(name);
        HttpRunnerClient.Builder client = HttpRunnerClient.builder(runner.getUrl());
        Secret token = CredentialLookup.runnerToken(runner.getCredentialsId(), run);
        if (token != null) {
            client.withToken(token.getPlainText());
        }
        RunnerTls tls = CredentialLookup.runnerTls(runner.getTlsCredentialsId(),
                runner.getClientCertificateCredentialsId(), run);
        if (tls != null) {
            client.withTls(tls);
        }
        String root = Jenkins.get().getRootUrl();
        if (run != null && root != null) {
            client.withBuildUrl(root + run.getUrl());
        }
        try {
            return new RunnerConnection(runner.getName(), runner.getUrl(), client.build());
        } catch (IllegalArgumentException e) {
            throw new AbortException("Runner '" + runner.getName() + "': " + e.getMessage());
        }
    }
}
