package hudson.model;

/** Stand-in of core's {@code ItemGroup} (members left out). */
public interface ItemGroup<T extends Item> {
}
