package io.jenkins.plugins.slipway.standin;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.common.IdCredentials;
import hudson.Extension;
import hudson.model.Descriptor;
import hudson.security.Permission;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NOT part of the Jenkins API: the state behind the stand-in's method bodies (extension singletons, the
 * credentials store, who holds which permission). Tests set it up; plugin code must never use it, and a
 * build with {@code -Pjenkins} (real Jenkins, no stand-in) would fail to compile if it did.
 */
public final class StandIn {
    private static final Map<Class<?>, Object> EXTENSIONS = new ConcurrentHashMap<>();
    private static final Map<String, Credentials> CREDENTIALS = new ConcurrentHashMap<>();
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
        CREDENTIALS.clear();
        DENIED.clear();
    }

    public static void addCredentials(IdCredentials c) {
        CREDENTIALS.put(c.getId(), c);
    }

    public static <C extends IdCredentials> C credential(String id, Class<C> type) {
        Credentials c = CREDENTIALS.get(id);
        return type.isInstance(c) ? type.cast(c) : null;
    }

    public static <C extends Credentials> List<C> credentials(Class<C> type) {
        List<C> result = new ArrayList<>();
        for (Credentials c : CREDENTIALS.values()) {
            if (type.isInstance(c)) {
                result.add(type.cast(c));
            }
        }
        return result;
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
