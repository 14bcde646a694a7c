package hudson.model;

import io.jenkins.plugins.slipway.standin.StandIn;

/** Stand-in of core's {@code AbstractDescribableImpl}: the descriptor is the nested @Extension Descriptor. */
public abstract class AbstractDescribableImpl<T extends AbstractDescribableImpl<T>> implements Describable<T> {
    @Override
    public Descriptor<T> getDescriptor() {
        return StandIn.descriptorOf(getClass());
    }
}
