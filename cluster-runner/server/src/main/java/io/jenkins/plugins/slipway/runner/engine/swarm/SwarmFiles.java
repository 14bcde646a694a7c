package io.jenkins.plugins.slipway.runner.engine.swarm;

import com.github.dockerjava.api.model.ContainerSpecConfig;
import com.github.dockerjava.api.model.ContainerSpecFile;
import com.github.dockerjava.api.model.ContainerSpecSecret;
import io.jenkins.plugins.slipway.runner.compose.FileMount;
import io.jenkins.plugins.slipway.runner.engine.EngineException;
import io.jenkins.plugins.slipway.runner.engine.FileValues;
import io.jenkins.plugins.slipway.runner.engine.Labels;
import io.jenkins.plugins.slipway.runner.engine.ReplicaSetSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's Compose secrets and configs on a swarm: each mounted value becomes a Swarm secret or config, which
 * the manager keeps encrypted in its Raft log and hands only to the nodes running the service's tasks, mounted at
 * the target with the owner and mode the Compose file gives.
 * <p>
 * Swarm secrets and configs cannot change, so each one is named for its content (a keyed hash for a secret, never
 * the value): a changed value is a new object, which a new revision mounts while the old revision keeps the old
 * one. They carry the runner's and the app's labels and are removed with the app. The value is read from the
 * runner's store only to create the object and is never logged or labelled.
 */
final class SwarmFiles {
    /** Label naming what an object holds: {@code secrets.db_password}. */
    static final String FILE_LABEL = "io.slipway.file";
    /** Swarm refuses secret and config names longer than this. */
    private static final int MAX_NAME = 64;

    private final String runnerId;
    private final SwarmClient swarm;
    private final FileValues values;

    SwarmFiles(String runnerId, SwarmClient swarm, FileValues values) {
        this.runnerId = runnerId;
        this.swarm = swarm;
        this.values = values;
    }

    /** What a service's task template mounts. */
    record Mounts(List<ContainerSpecSecret> secrets, List<ContainerSpecConfig> configs) {
        static final Mounts NONE = new Mounts(List.of(), List.of());
    }

    /** Makes the set's secrets and configs exist on the swarm and answers how its tasks mount them. */
    Mounts mounts(ReplicaSetSpec set) {
        List<FileMount> files = set.spec().files();
        if (files.isEmpty()) {
            return Mounts.NONE;
        }
        List<ContainerSpecSecret> secrets = new ArrayList<>();
        List<ContainerSpecConfig> configs = new ArrayList<>();
        for (FileMount m : files) {
            ContainerSpecFile file = new ContainerSpecFile().withName(m.target()).withUid(String.valueOf(m.uid()))
                    .withGid(String.valueOf(m.gid())).withMode((long) m.mode());
            if (m.external() != null) {
                external(m, file, secrets, configs);
                continue;
            }
            String name = name(set.app(), m);
            Map<String, String> labels = labels(set.app());
            labels.put(FILE_LABEL, m.kind().key() + "." + m.source());
            if (m.kind() == FileMount.Kind.SECRET) {
                String id = swarm.ensureSecret(name, labels, values.value(set.app(), set.revision(), m));
                secrets.add(new ContainerSpecSecret().withSecretId(id).withSecretName(name).withFile(file));
            } else {
                String id = swarm.ensureConfig(name, labels, values.value(set.app(), set.revision(), m));
                configs.add(new ContainerSpecConfig().withConfigID(id).withConfigName(name).withFile(file));
            }
        }
        return new Mounts(secrets, configs);
    }

    /**
     * An {@code external: true} secret or config: one the swarm has already (made with {@code docker secret create}),
     * mounted by its id; the runner never creates, labels nor removes it. One that does not exist fails the start
     * with what to do, as {@code docker stack deploy} does.
     */
    private void external(FileMount m, ContainerSpecFile file, List<ContainerSpecSecret> secrets,
                          List<ContainerSpecConfig> configs) {
        String name = m.external();
        boolean secret = m.kind() == FileMount.Kind.SECRET;
        String id = (secret ? swarm.secretId(name) : swarm.configId(name)).orElseThrow(() -> new EngineException(
                "external " + (secret ? "secret " : "config ") + name + " (" + m.kind().key() + "." + m.source()
                        + ") does not exist on the swarm: make it first, e.g. docker " + (secret ? "secret" : "config")
                        + " create " + name + " FILE", null));
        if (secret) {
            secrets.add(new ContainerSpecSecret().withSecretId(id).withSecretName(name).withFile(file));
        } else {
            configs.add(new ContainerSpecConfig().withConfigID(id).withConfigName(name).withFile(file));
        }
    }

    /**
     * Removes the app's secrets and configs (its services are gone by then).
     *
     * @return those the swarm kept, each with why: a service of another runner may still use one
     */
    List<String> remove(String app) {
        return swarm.removeFiles(labels(app));
    }

    private Map<String, String> labels(String app) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.RUNNER, runnerId);
        labels.put(Labels.APP, app);
        return labels;
    }

    /**
     * {@code slipway-shop-db_password-<12 hex>}: the hex is of the runner, the source and the value's digest (a
     * keyed hash, or an inline config's own text), so a new value gets a new name and two runners never share one.
     */
    String name(String app, FileMount m) {
        String identity = m.digest() != null ? m.digest() : "inline:" + m.content();
        String hash = SwarmServiceSpecs.sha(runnerId + "\n" + app + "\n" + m.kind().key() + "\n" + m.source() + "\n" + identity)
                .substring(0, 12);
        String base = ("slipway-" + app + "-" + m.source()).replaceAll("[^A-Za-z0-9_.-]", "-");
        base = base.substring(0, Math.min(base.length(), MAX_NAME - 13));
        return base + "-" + hash;
    }
}
