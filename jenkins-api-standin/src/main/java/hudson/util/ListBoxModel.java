package hudson.util;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.ArrayList;

/** Stand-in of core's {@code ListBoxModel} (HttpResponse left out). */
public class ListBoxModel extends ArrayList<ListBoxModel.Option> {
    private static final long serialVersionUID = 1L;

    public ListBoxModel() {
    }

    public void add(@NonNull String displayName, @NonNull String value) {
        add(new Option(displayName, value));
    }

    public ListBoxModel add(@NonNull String nameAndValue) {
        add(nameAndValue, nameAndValue);
        return this;
    }

    /** Stand-in of {@code ListBoxModel.Option}. */
    public static final class Option {
        public @NonNull String name;
        public @NonNull String value;
        public boolean selected;

        public Option(@NonNull String name, @NonNull String value) {
            this.name = name;
            this.value = value;
        }

        public Option(@NonNull String name) {
            this(name, name);
        }

        @Override
        public String toString() {
            return name + "=" + value;
        }
    }
}
