package io.jenkins.plugins.slipway.standin;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.security.Permission;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jenkins.model.Jenkins;
import org.springframework.security.core.Authentication;

/**
 * NOT part of the Jenkins API: the state behind the stand-in's method bodies (extension singletons, the
 * credentials store, who holds which permission). Tests set it up; plugin code must never use it, and a
 * build with {@code -Pjenkins} (real Jenkins, no stand-in) would fail to compile if it did.
 */
public final class StandIn {
    private static final Map<Class<?>, Object> EXTENSIONS = new ConcurrentHashMap<>();
    /** Credential stores by context object (Jenkins.get() for the system store, a folder, an item). */
    private static final Map<Object, Map<String, Credentials>> STORES = Collections.synchronizedMap(new IdentityHashMap<>());
    /** Users' own credential stores, by user name. */
    private static final Map<String, Map<String, Credentials>> USER_STORES = new ConcurrentHashMap<>();
    private static final Set<String> DENIED = ConcurrentHashMap.newKeySet();
    private static volatile String rootUrl = "http://jenkins.example/";

    private StandIn() {
    }

    /** The singleton of an extension class, created with its no-argument constructor on first use. */
    public static <T> T extension(Class<T> type) {
        return type.cast(EXTENSIONS.computeIfAbsent(type, StandIn::instantiate));
    }

    /** The nested {@code @Extension} Descriptor of a Describable class, as core finds it. */
    @SuppressWarnings("unchecked")
    public static <T extends hudson.model.Describable<T>> Descriptor<T> descriptorOf(Class<?> describable) {
        for (Class<?> nested : describable.getDeclaredClasses()) {
            if (Descriptor.class.isAssignableFrom(nested) && nested.isAnnotationPresent(Extension.class)) {
                return (Descriptor<T>) extension(nested);
            }
        }
        throw new IllegalStateException("No @Extension Descriptor nested in " + describable.getName());
    }

    /** Forgets every singleton (a fresh configuration), credential and permission denial. */
    public static void reset() {
        EXTENSIONS.clear();
        STORES.clear();
        USER_STORES.clear();
        DENIED.clear();
    }

    /** Puts a credential in the system store (Manage Jenkins &gt; Credentials, global domain). */
    public static void addCredentials(IdCredentials c) {
        addCredentials(Jenkins.get(), c);
    }

    /**
     * Puts a credential in the store of a context: a folder (an ItemGroup), an item, or Jenkins.get() for the
     * system store. Lookups see it from that context and from every item below it.
     */
    public static void addCredentials(Object context, IdCredentials c) {
        STORES.computeIfAbsent(context, k -> Collections.synchronizedMap(new LinkedHashMap<>())).put(c.getId(), c);
    }

    /** Puts a credential in a user's own store: only lookups made as that user (by name) see it. */
    public static void addUserCredentials(String userName, IdCredentials c) {
        USER_STORES.computeIfAbsent(userName, k -> Collections.synchronizedMap(new LinkedHashMap<>())).put(c.getId(), c);
    }

    /** A credential of the system store, by id and type. */
    public static <C extends IdCredentials> C credential(String id, Class<C> type) {
        Credentials c = store(Jenkins.get()).get(id);
        return type.isInstance(c) ? type.cast(c) : null;
    }

    /** The credentials of a type in the system store. */
    public static <C extends Credentials> List<C> credentials(Class<C> type) {
        return credentials(type, Jenkins.get(), ACL.SYSTEM2);
    }

    /**
     * What a lookup of credentials of a type in a context (an item, an item group, null for the root) as an
     * authentication (null for SYSTEM) sees: the stores of the context, of its parents up to the root, nearest
     * first, and for a user's authentication that user's own store before them; an id seen twice keeps the
     * first. Simplification of the real rules: real Jenkins shows a user's authentication the stores of the
     * context only where that user holds Credentials/UseItem on the item; here it always does. Scopes and
     * domains are not modelled (every credential is GLOBAL, in the global domain).
     */
    public static <C extends Credentials> List<C> credentials(Class<C> type, Object context, Authentication authentication) {
        List<Map<String, Credentials>> stores = new ArrayList<>();
        Authentication as = authentication == null ? ACL.SYSTEM2 : authentication;
        if (as != ACL.SYSTEM2) {
            stores.add(USER_STORES.getOrDefault(as.getName(), Map.of()));
        }
        for (Object at : contexts(context)) {
            stores.add(store(at));
        }
        List<C> result = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Map<String, Credentials> store : stores) {
            List<Credentials> values;
            synchronized (store) {
                values = new ArrayList<>(store.values());
            }
            for (Credentials c : values) {
                if (type.isInstance(c) && (!(c instanceof IdCredentials id) || ids.add(id.getId()))) {
                    result.add(type.cast(c));
                }
            }
        }
        return result;
    }

    /** The name a drop-down shows for a credential: its description, else its id (never a secret). */
    public static String nameOf(IdCredentials c) {
        String description = c instanceof StandardCredentials s ? s.getDescription() : "";
        return description == null || description.isEmpty() ? c.getId() : description;
    }

    private static Map<String, Credentials> store(Object context) {
        Map<String, Credentials> store = STORES.get(context);
        return store == null ? Map.of() : store;
    }

    /** The context and its parents, up to and including the root. */
    private static List<Object> contexts(Object context) {
        List<Object> chain = new ArrayList<>();
        Object at = context == null ? Jenkins.get() : context;
        while (at != null && !chain.contains(at)) {
            chain.add(at);
            if (at instanceof Item item) {
                at = item.getParent() == null ? Jenkins.get() : item.getParent();
            } else {
                at = at == Jenkins.get() ? null : Jenkins.get();
            }
        }
        return chain;
    }

    /** Makes the current user lack (true) or hold (false) a permission such as "Overall/Administer". */
    public static void deny(String permissionName, boolean denied) {
        if (denied) {
            DENIED.add(permissionName);
        } else {
            DENIED.remove(permissionName);
        }
    }

    public static boolean hasPermission(String permissionName) {
        return !DENIED.contains(permissionName);
    }

    public static Permission permission(String name) {
        try {
            Constructor<Permission> c = Permission.class.getDeclaredConstructor(String.class);
            c.setAccessible(true);
            return c.newInstance(name);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String rootUrl() {
        return rootUrl;
    }

    public static void rootUrl(String url) {
        rootUrl = url;
    }

    private static Object instantiate(Class<?> type) {
        try {
            Constructor<?> c = type.getDeclaredConstructor();
            c.setAccessible(true);
            return c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create extension " + type.getName(), e);
        }
    }
}
