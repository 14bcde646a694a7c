package org.jenkinsci.plugins.workflow.steps;

/** Stand-in of workflow-step-api's {@code BodyInvoker} (members left out: Slipway's steps take no body). */
public abstract class BodyInvoker {
}
