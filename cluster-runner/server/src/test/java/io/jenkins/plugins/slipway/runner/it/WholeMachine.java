package io.jenkins.plugins.slipway.runner.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Marks an IT class that must run alone on the machine, with no other IT beside it: it changes the machine's Docker
 * engine for everybody (makes it a Swarm manager), kills daemons, saturates the CPU on purpose, or measures what a
 * neighbour would disturb. failsafe runs these (tag {@value #TAG}) one at a time after the others, which run two at a
 * time; {@link EngineLock} holds the IT lock exclusively for such a class and shared for every other, so that runs
 * of the suite started beside each other keep the rule too.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Tag(WholeMachine.TAG)
public @interface WholeMachine {
    /** The JUnit tag the build's failsafe runs select on (cluster-runner/server/pom.xml). */
    String TAG = "whole-machine";

    /** Why the class cannot share the machine. */
    String value();
}
