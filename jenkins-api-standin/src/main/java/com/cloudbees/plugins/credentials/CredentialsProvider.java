package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.domains.DomainRequirement;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import edu.umd.cs.findbugs.annotations.Nullable;
import hudson.ExtensionPoint;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.model.ItemGroup;
import hudson.model.Queue;
import hudson.model.Run;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.security.Permission;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.slipway.standin.StandIn;
import java.text.Collator;
import java.util.List;
import java.util.Locale;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;

/**
 * Stand-in of credentials' {@code CredentialsProvider}. The stores are StandIn's: the system store, stores
 * of folders or items, and users' own stores, filled by tests through {@link StandIn#addCredentials}. What a
 * lookup in a context as an authentication sees is decided by {@link StandIn#credentials(Class, Object,
 * Authentication)}; see there for how it simplifies the real rules.
 */
public abstract class CredentialsProvider extends Descriptor<CredentialsProvider>
        implements ExtensionPoint, Describable<CredentialsProvider> {

    /** Lets a user pick, for an immediate action against a job, the credentials available in the job's scope. */
    public static final Permission USE_ITEM = StandIn.permission("Credentials/UseItem");

    public CredentialsProvider() {
        super();
    }

    @Override
    public Descriptor<CredentialsProvider> getDescriptor() {
        return this;
    }

    /** As real: the credentials the job's default authentication can use in the job's context. */
    @CheckForNull
    public static <C extends IdCredentials> C findCredentialById(@NonNull String id, @NonNull Class<C> type,
                                                                 @NonNull Run<?, ?> run) {
        Item job = run.getParent();
        Authentication runAuth = job instanceof Queue.Task t ? Tasks.getAuthenticationOf2(t) : ACL.SYSTEM2;
        for (C c : StandIn.credentials(type, job, runAuth)) {
            if (c.getId().equals(id)) {
                return c;
            }
        }
        return null;
    }

    @NonNull
    public static <C extends Credentials> List<C> lookupCredentialsInItemGroup(@NonNull Class<C> type,
                                                                               @Nullable ItemGroup itemGroup,
                                                                               @Nullable Authentication authentication,
                                                                               @Nullable List<DomainRequirement> domainRequirements) {
        return StandIn.credentials(type, itemGroup, authentication);
    }

    /** IDs and names (never secrets) of the credentials usable in the item, sorted by name as real does. */
    @NonNull
    public static <C extends IdCredentials> ListBoxModel listCredentialsInItem(@NonNull Class<C> type,
                                                                               @Nullable Item item,
                                                                               @Nullable Authentication authentication,
                                                                               @Nullable List<DomainRequirement> domainRequirements,
                                                                               @Nullable CredentialsMatcher matcher) {
        return list(type, item, authentication, matcher);
    }

    public static <C extends IdCredentials> ListBoxModel listCredentialsInItemGroup(@NonNull Class<C> type,
                                                                                    @Nullable ItemGroup itemGroup,
                                                                                    @Nullable Authentication authentication,
                                                                                    @Nullable List<DomainRequirement> domainRequirements,
                                                                                    @Nullable CredentialsMatcher matcher) {
        return list(type, itemGroup, authentication, matcher);
    }

    private static <C extends IdCredentials> ListBoxModel list(Class<C> type, @CheckForNull Object context,
                                                               @CheckForNull Authentication authentication,
                                                               @CheckForNull CredentialsMatcher matcher) {
        ListBoxModel result = new ListBoxModel();
        for (C c : StandIn.credentials(type, context == null ? Jenkins.get() : context, authentication)) {
            if (matcher == null || matcher.matches(c)) {
                result.add(StandIn.nameOf(c), c.getId());
            }
        }
        Collator collator = Collator.getInstance(Locale.getDefault());
        result.sort((a, b) -> collator.compare(a.name.toLowerCase(Locale.getDefault()), b.name.toLowerCase(Locale.getDefault())));
        return result;
    }
}
