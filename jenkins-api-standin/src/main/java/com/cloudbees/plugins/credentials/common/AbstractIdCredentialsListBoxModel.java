package com.cloudbees.plugins.credentials.common;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.model.Item;
import hudson.model.ItemGroup;
import hudson.util.ListBoxModel;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.Authentication;

/** Stand-in of credentials' {@code AbstractIdCredentialsListBoxModel} (the members Slipway uses). */
public abstract class AbstractIdCredentialsListBoxModel<T extends AbstractIdCredentialsListBoxModel<T, C>, C extends IdCredentials>
        extends ListBoxModel {
    private static final long serialVersionUID = 1L;

    @NonNull
    protected abstract String describe(@NonNull C c);

    @NonNull
    public AbstractIdCredentialsListBoxModel<T, C> includeEmptyValue() {
        for (Option a : this) {
            if ("".equals(a.value)) {
                return this;
            }
        }
        add(0, new Option("- none -", ""));
        return this;
    }

    /** The credentials of the type usable in the item (a job) as the authentication; the root when null. */
    public AbstractIdCredentialsListBoxModel<T, C> includeAs(@NonNull Authentication authentication,
                                                             @Nullable Item context,
                                                             @NonNull Class<? extends C> type) {
        addMissing(CredentialsProvider.listCredentialsInItem(type, context, authentication, List.<DomainRequirement>of(),
                CredentialsMatchers.always()));
        return this;
    }

    public AbstractIdCredentialsListBoxModel<T, C> includeAs(@NonNull Authentication authentication,
                                                             @NonNull ItemGroup context,
                                                             @NonNull Class<? extends C> type) {
        addMissing(CredentialsProvider.listCredentialsInItemGroup(type, context, authentication, List.<DomainRequirement>of(),
                CredentialsMatchers.always()));
        return this;
    }

    public AbstractIdCredentialsListBoxModel<T, C> includeCurrentValue(@NonNull String value) {
        if (value == null || value.isEmpty()) {
            return includeEmptyValue();
        }
        for (Option a : this) {
            if (value.equals(a.value)) {
                return this;
            }
        }
        // The current value goes first, after the empty value if there is one.
        int index = isEmpty() ? 0 : "".equals(get(0).value) ? 1 : 0;
        add(index, new Option("- current -", value));
        return this;
    }

    /** Appends the options whose values are not in the model yet; the first option for a value wins. */
    public boolean addMissing(@NonNull Collection<? extends Option> c) {
        Set<String> existing = new HashSet<>();
        for (Option o : this) {
            existing.add(o.value);
        }
        boolean changed = false;
        for (Option o : c) {
            if (!existing.contains(o.value)) {
                add(o);
                changed = existing.add(o.value) || changed;
            }
        }
        return changed;
    }
}
