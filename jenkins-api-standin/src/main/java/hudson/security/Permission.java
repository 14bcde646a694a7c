package hudson.security;

/** Stand-in of core's {@code Permission}. */
public final class Permission {
    public final String name;

    private Permission(String name) {
        this.name = name;
    }


    @Override
    public String toString() {
        return "Permission[" + name + "]";
    }
}
