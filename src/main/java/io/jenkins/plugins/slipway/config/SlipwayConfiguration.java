package io.jenkins.plugins.slipway.config;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import jenkins.model.GlobalConfiguration;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * Manage Jenkins > System > Slipway: Docker hosts, registries and cluster runners, each with a default.
 * Getters plus {@code @DataBoundSetter}s that save: the shape Configuration as Code reads and writes
 * ({@code unclassified: slipway: ...}). Only credential ids are stored, never a secret.
 */
@Extension
@Symbol("slipway")
public class SlipwayConfiguration extends GlobalConfiguration {
    private List<DockerHost> dockerHosts = new ArrayList<>();
    private String defaultDockerHost;
    private List<Registry> registries = new ArrayList<>();
    private List<ClusterRunner> runners = new ArrayList<>();
    private String defaultRunner;

    public SlipwayConfiguration() {
        load();
    }

    public static @NonNull SlipwayConfiguration get() {
        return ExtensionList.lookupSingleton(SlipwayConfiguration.class);
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return "Slipway";
    }

    public List<DockerHost> getDockerHosts() {
        return Collections.unmodifiableList(dockerHosts);
    }

    @DataBoundSetter
    public void setDockerHosts(List<DockerHost> dockerHosts) {
        this.dockerHosts = dockerHosts == null ? new ArrayList<>() : new ArrayList<>(dockerHosts);
        save();
    }

    /** Name of the Docker host steps use when they name none; blank means the first one listed. */
    public @CheckForNull String getDefaultDockerHost() {
        return defaultDockerHost;
    }

    @DataBoundSetter
    public void setDefaultDockerHost(String defaultDockerHost) {
        this.defaultDockerHost = Strings.fixEmpty(defaultDockerHost);
        save();
    }

    public List<Registry> getRegistries() {
        return Collections.unmodifiableList(registries);
    }

    @DataBoundSetter
    public void setRegistries(List<Registry> registries) {
        this.registries = registries == null ? new ArrayList<>() : new ArrayList<>(registries);
        save();
    }

    public List<ClusterRunner> getRunners() {
        return Collections.unmodifiableList(runners);
    }

    @DataBoundSetter
    public void setRunners(List<ClusterRunner> runners) {
        this.runners = runners == null ? new ArrayList<>() : new ArrayList<>(runners);
        save();
    }

    /** Name of the runner deploy steps use when they name none; blank means the first one listed. */
    public @CheckForNull String getDefaultRunner() {
        return defaultRunner;
    }

    @DataBoundSetter
    public void setDefaultRunner(String defaultRunner) {
        this.defaultRunner = Strings.fixEmpty(defaultRunner);
        save();
    }

    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        // A list whose last entry was deleted is absent from the submitted form, so binding alone would
        // keep it: start from empty lists and let the form fill them.
        dockerHosts = new ArrayList<>();
        registries = new ArrayList<>();
        runners = new ArrayList<>();
        req.bindJSON(this, json);
        save();
        return true;
    }

    /**
     * The Docker host a step uses: the one named, else the default, else the first; with none configured,
     * the engine on the node's default socket ({@link DockerHost#LOCAL_URI}).
     * @throws AbortException when {@code name} is given but not configured
     */
    public @NonNull DockerHost dockerHost(@CheckForNull String name) throws AbortException {
        DockerHost host = pick(dockerHosts, DockerHost::getName, Strings.fixEmpty(name), defaultDockerHost, "Docker host");
        return host != null ? host : new DockerHost("local", DockerHost.LOCAL_URI);
    }

    /**
     * The cluster runner a deploy step uses: the one named, else the default, else the first.
     * @throws AbortException when {@code name} is given but not configured, or no runner is configured
     */
    public @NonNull ClusterRunner runner(@CheckForNull String name) throws AbortException {
        ClusterRunner runner = pick(runners, ClusterRunner::getName, Strings.fixEmpty(name), defaultRunner, "cluster runner");
        if (runner == null) {
            throw new AbortException("No cluster runner is configured: add one in Manage Jenkins > System > Slipway");
        }
        return runner;
    }

    /** The registry entry whose host[:port] matches an image's registry host, or null. */
    public @CheckForNull Registry registryFor(@NonNull String registryHost) {
        for (Registry r : registries) {
            if (registryHost.equalsIgnoreCase(r.getHost())) {
                return r;
            }
        }
        return null;
    }

    private static <T> T pick(List<T> entries, Function<T, String> nameOf, String name, String defaultName, String kind)
            throws AbortException {
        String wanted = name != null ? name : defaultName;
        if (wanted == null) {
            return entries.isEmpty() ? null : entries.get(0);
        }
        for (T e : entries) {
            if (wanted.equals(nameOf.apply(e))) {
                return e;
            }
        }
        String known = entries.stream().map(nameOf).collect(Collectors.joining(", "));
        throw new AbortException("No " + kind + " named '" + wanted + "' in Manage Jenkins > System > Slipway"
                + (known.isEmpty() ? " (none is configured)" : " (configured: " + known + ")"));
    }
}
