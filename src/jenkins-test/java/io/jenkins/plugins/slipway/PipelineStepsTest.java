package io.jenkins.plugins.slipway;

import hudson.model.Result;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * Real Jenkins (jenkins/pom.xml only), real engine and the registry on 127.0.0.1:5000 (scripts/env-up.sh):
 * slipwayBuild and slipwayPush in a Pipeline, on the built-in node.
 */
public class PipelineStepsTest {
    @Rule
    public JenkinsRule r = new JenkinsRule();

    @Test
    public void buildThenPushInAPipeline() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "p");
        p.setDefinition(new CpsFlowDefinition(String.join("\n",
                "node {",
                "  sh 'cp /usr/bin/busybox busybox'",
                "  writeFile file: 'Dockerfile', text: 'FROM scratch\\nCOPY busybox /bin/sh\\nARG V=none\\nRUN echo version=$V\\n'",
                "  def built = slipwayBuild image: '127.0.0.1:5000/slipway-it/pipeline', tags: ['jenkins'], buildArgs: [V: '1.2', PORT: 8080], labels: [x: true]",
                "  echo \"built ${built.id} as ${built.references}\"",
                "  def pushed = slipwayPush build: built",
                "  echo \"pushed ${pushed}\"",
                "}"), true));
        WorkflowRun b = r.buildAndAssertSuccess(p);
        r.assertLogContains("version=1.2", b);
        r.assertLogContains("built sha256:", b);
        r.assertLogContains("pushed 127.0.0.1:5000/slipway-it/pipeline@sha256:", b);
    }

    @Test
    public void missingDockerfileFailsTheBuild() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "missing");
        p.setDefinition(new CpsFlowDefinition("node { slipwayBuild image: '127.0.0.1:5000/slipway-it/none' }", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("Dockerfile 'Dockerfile' not found", b);
    }

    @Test
    public void deployWithoutAComposeFileFailsBeforeCallingTheRunner() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "deploy-missing");
        p.setDefinition(new CpsFlowDefinition("node { slipwayDeploy app: 'shop', compose: 'nope.yml' }", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("compose file 'nope.yml' not found", b);
    }

    @Test
    public void deployWithoutARunnerSaysWhereToConfigureOne() throws Exception {
        WorkflowJob p = r.createProject(WorkflowJob.class, "deploy-no-runner");
        p.setDefinition(new CpsFlowDefinition(
                "node { writeFile file: 'compose.yml', text: 'services: {}'; slipwayDeploy app: 'shop' }", true));
        WorkflowRun b = r.buildAndAssertStatus(Result.FAILURE, p);
        r.assertLogContains("No cluster runner is configured: add one in Manage Jenkins > System > Slipway", b);
    }
}
