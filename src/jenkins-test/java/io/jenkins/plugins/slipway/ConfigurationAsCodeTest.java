package io.jenkins.plugins.slipway;

import static org.junit.Assert.assertEquals;

import io.jenkins.plugins.casc.misc.ConfiguredWithCode;
import io.jenkins.plugins.casc.misc.JenkinsConfiguredWithCodeRule;
import io.jenkins.plugins.slipway.config.SlipwayConfiguration;
import org.junit.Rule;
import org.junit.Test;

/** Real Jenkins (jenkins/pom.xml only): the docs/configuration.md JCasC example is what JCasC reads. */
public class ConfigurationAsCodeTest {
    @Rule
    public JenkinsConfiguredWithCodeRule r = new JenkinsConfiguredWithCodeRule();

    @Test
    @ConfiguredWithCode("casc.yaml")
    public void readsTheDocumentedExample() throws Exception {
        SlipwayConfiguration config = SlipwayConfiguration.get();
        assertEquals("build-farm", config.dockerHost(null).getName());
        assertEquals("docker-tls", config.dockerHost(null).getTlsCredentialsId());
        assertEquals("registry-bot", config.registryFor("registry.example:5000").getCredentialsId());
        assertEquals("https://runner.example:8787", config.runner(null).getUrl());
        assertEquals("runner-token", config.runner("prod").getCredentialsId());
    }
}
