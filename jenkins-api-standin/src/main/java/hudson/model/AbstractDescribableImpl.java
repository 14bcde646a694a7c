package hudson.model;

/**
 * Stand-in of core's {@code AbstractDescribableImpl}, deprecated since 2.505 when {@link Describable#getDescriptor()}
 * became a default method: implement {@link Describable} instead. workflow-step-api's {@code Step} still extends it.
 */
@Deprecated(since = "2.505")
public abstract class AbstractDescribableImpl<T extends AbstractDescribableImpl<T>> implements Describable<T> {
}
