package hudson;

import edu.umd.cs.findbugs.annotations.NonNull;
import io.jenkins.plugins.slipway.standin.StandIn;
import java.util.AbstractList;
import java.util.List;

/** Stand-in of core's {@code ExtensionList}: singletons are created on first lookup, one per class. */
public class ExtensionList<T> extends AbstractList<T> {
    private final List<T> items;

    private ExtensionList(List<T> items) {
        this.items = items;
    }

    public static <T> ExtensionList<T> lookup(Class<T> type) {
        return new ExtensionList<>(List.of(StandIn.extension(type)));
    }

    public static @NonNull <U> U lookupSingleton(Class<U> type) {
        return StandIn.extension(type);
    }

    @Override
    public T get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }
}
