package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import jenkins.model.RunAction2;

/** Stand-in of core's {@code Actionable}: an in-memory action list. */
public abstract class Actionable {
    private final List<Action> actions = new CopyOnWriteArrayList<>();

    @Deprecated
    @NonNull
    public List<Action> getActions() {
        return actions;
    }

    public <T extends Action> List<T> getActions(Class<T> type) {
        List<T> result = new ArrayList<>();
        for (Action a : actions) {
            if (type.isInstance(a)) {
                result.add(type.cast(a));
            }
        }
        return result;
    }

    public void addAction(@NonNull Action a) {
        actions.add(a);
        attached(a);
    }

    public void replaceAction(@NonNull Action a) {
        addOrReplaceAction(a);
    }

    public boolean addOrReplaceAction(@NonNull Action a) {
        boolean found = false;
        for (Action old : actions) {
            if (!found && a.equals(old)) {
                found = true;
            } else if (old.getClass() == a.getClass()) {
                actions.remove(old);
            }
        }
        if (!found) {
            addAction(a);
        }
        return !found;
    }

    public boolean removeAction(@Nullable Action a) {
        return a != null && actions.remove(a);
    }

    public <T extends Action> T getAction(Class<T> type) {
        for (Action a : actions) {
            if (type.isInstance(a)) {
                return type.cast(a);
            }
        }
        return null;
    }

    private void attached(Action a) {
        if (a instanceof RunAction2 && this instanceof Run) {
            ((RunAction2) a).onAttached((Run<?, ?>) this);
        }
    }
}
