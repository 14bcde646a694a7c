package hudson.model;

/** Stand-in of core's {@code Item} (members left out). */
public interface Item {
}
