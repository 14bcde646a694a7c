package io.jenkins.plugins.slipway;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.slipway.build.SlipwayBuildStep;
import io.jenkins.plugins.slipway.config.ClusterRunner;
import io.jenkins.plugins.slipway.config.DockerHost;
import io.jenkins.plugins.slipway.config.Registry;
import io.jenkins.plugins.slipway.config.SlipwayConfiguration;
import io.jenkins.plugins.slipway.deploy.DeployStep;
import io.jenkins.plugins.slipway.release.AbortStep;
import io.jenkins.plugins.slipway.task.RunStep;
import io.jenkins.plugins.slipway.release.PromoteStep;
import io.jenkins.plugins.slipway.push.SlipwayPushStep;
import java.util.List;
import org.jenkinsci.plugins.workflow.cps.SnippetizerTester;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.steps.StepConfigTester;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/** Real Jenkins (jenkins/pom.xml only): the Snippet Generator and the configuration forms. */
public class SnippetizerAndConfigTest {
    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Test
    public void snippetizerRoundTrip() throws Exception {
        SnippetizerTester st = new SnippetizerTester(r);
        st.assertRoundTrip(new SlipwayBuildStep("registry.example/app"), "slipwayBuild 'registry.example/app'");
        SlipwayBuildStep build = new SlipwayBuildStep("registry.example/app");
        build.setTags(List.of("1", "latest"));
        build.setTarget("runtime");
        st.assertRoundTrip(build, "slipwayBuild image: 'registry.example/app', tags: ['1', 'latest'], target: 'runtime'");
        SlipwayPushStep push = new SlipwayPushStep();
        push.setImage("registry.example/app");
        push.setTags(List.of("1"));
        push.setCredentialsId("bot");
        st.assertRoundTrip(push, "slipwayPush credentialsId: 'bot', image: 'registry.example/app', tags: ['1']");
    }

    @Test
    public void runnerStepsSnippetizerRoundTrip() throws Exception {
        SnippetizerTester st = new SnippetizerTester(r);
        st.assertRoundTrip(new DeployStep("shop"), "slipwayDeploy 'shop'");
        DeployStep deploy = new DeployStep("shop");
        deploy.setCompose("deploy/compose.yml");
        deploy.setRunner("prod");
        deploy.setWait("pause");
        deploy.setTimeout(10);
        st.assertRoundTrip(deploy,
                "slipwayDeploy app: 'shop', compose: 'deploy/compose.yml', runner: 'prod', timeout: 10, wait: 'pause'");
        PromoteStep promote = new PromoteStep("shop");
        promote.setFull(true);
        st.assertRoundTrip(promote, "slipwayPromote app: 'shop', full: true");
        AbortStep abort = new AbortStep("shop");
        abort.setReason("bad canary");
        st.assertRoundTrip(abort, "slipwayAbort app: 'shop', reason: 'bad canary'");
        RunStep run = new RunStep("127.0.0.1:5000/shop/migrate");
        run.setCommand(java.util.List.of("migrate", "up"));
        run.setReturnStatus(true);
        run.setTimeout(10);
        st.assertRoundTrip(run, "slipwayRun image: '127.0.0.1:5000/shop/migrate', command: ['migrate', 'up'],"
                + " returnStatus: true, timeout: 10");
    }

    @Test
    public void runnerStepsConfigRoundTrip() throws Exception {
        DeployStep deploy = new DeployStep("shop");
        deploy.setCompose("deploy/compose.yml");
        deploy.setRunner("prod");
        deploy.setWait("none");
        deploy.setTimeout(5);
        r.assertEqualDataBoundBeans(deploy, new StepConfigTester(r).configRoundTrip(deploy));
        PromoteStep promote = new PromoteStep("shop");
        promote.setFull(true);
        r.assertEqualDataBoundBeans(promote, new StepConfigTester(r).configRoundTrip(promote));
        AbortStep abort = new AbortStep("shop");
        abort.setReason("bad canary");
        r.assertEqualDataBoundBeans(abort, new StepConfigTester(r).configRoundTrip(abort));
    }

    @Test
    public void stepConfigRoundTrip() throws Exception {
        SlipwayBuildStep build = new SlipwayBuildStep("registry.example/app");
        build.setContext("app");
        build.setDockerfile("app/Dockerfile");
        build.setTarget("runtime");
        build.setNoCache(true);
        r.assertEqualDataBoundBeans(build, new StepConfigTester(r).configRoundTrip(build));
        // credentialsId is a credentials drop-down: "bot" is one of its options, not just the kept current value.
        addRegistryBot();
        SlipwayPushStep push = new SlipwayPushStep();
        push.setImage("registry.example/app");
        push.setCredentialsId("bot");
        r.assertEqualDataBoundBeans(push, new StepConfigTester(r).configRoundTrip(push));
    }

    @Test
    public void pushCredentialsDropDownListsWhatTheJobCanUse() throws Exception {
        addRegistryBot();
        WorkflowJob job = r.createProject(WorkflowJob.class, "app");
        SlipwayPushStep.DescriptorImpl d = r.jenkins.getDescriptorByType(SlipwayPushStep.DescriptorImpl.class);
        ListBoxModel items = d.doFillCredentialsIdItems(job, "");
        org.junit.Assert.assertEquals(List.of("", "bot"), items.stream().map(o -> o.value).toList());
        org.junit.Assert.assertEquals(FormValidation.Kind.OK, d.doCheckCredentialsId(job, "bot").kind);
        org.junit.Assert.assertEquals(FormValidation.Kind.WARNING, d.doCheckCredentialsId(job, "no-such-id").kind);
    }

    private static void addRegistryBot() throws Exception {
        SystemCredentialsProvider.getInstance().getCredentials().add(new UsernamePasswordCredentialsImpl(
                CredentialsScope.GLOBAL, "bot", "registry bot", "ci", "registry-password"));
    }

    @Test
    public void globalConfigRoundTrip() throws Exception {
        SlipwayConfiguration config = SlipwayConfiguration.get();
        DockerHost remote = new DockerHost("remote", "tcp://docker.example:2376");
        remote.setTlsCredentialsId("docker-tls");
        config.setDockerHosts(List.of(new DockerHost("local", DockerHost.LOCAL_URI), remote));
        config.setDefaultDockerHost("remote");
        Registry registry = new Registry("https://registry.example:5000");
        registry.setCredentialsId("bot");
        config.setRegistries(List.of(registry));
        ClusterRunner runner = new ClusterRunner("prod", "https://runner.example:8787");
        runner.setCredentialsId("runner-token");
        config.setRunners(List.of(runner));
        config.setDefaultRunner("prod");

        r.configRoundtrip();

        SlipwayConfiguration after = SlipwayConfiguration.get();
        r.assertEqualDataBoundBeans(config.getDockerHosts(), after.getDockerHosts());
        r.assertEqualDataBoundBeans(config.getRegistries(), after.getRegistries());
        r.assertEqualDataBoundBeans(config.getRunners(), after.getRunners());
        org.junit.Assert.assertEquals("remote", after.getDefaultDockerHost());
        org.junit.Assert.assertEquals("prod", after.getDefaultRunner());
    }
}
