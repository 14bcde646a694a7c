package io.jenkins.plugins.slipway.runner.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an IT class that must run alone on the machine, with no other IT beside it: it changes the machine's Docker
 * engine for everybody (makes it a Swarm manager), kills daemons, saturates the CPU on purpose, or measures what a
 * neighbour would disturb. {@link EngineLock} holds the IT lock exclusively for such a class; every other IT class
 * holds it shared, so two of those run side by side (failsafe's {@code forkCount}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WholeMachine {
    /** Why the class cannot share the machine. */
    String value();
}
