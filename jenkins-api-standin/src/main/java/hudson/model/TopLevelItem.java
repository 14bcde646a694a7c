package hudson.model;

/** Stand-in of core's {@code TopLevelItem} (members left out). */
public interface TopLevelItem extends Item {
}
