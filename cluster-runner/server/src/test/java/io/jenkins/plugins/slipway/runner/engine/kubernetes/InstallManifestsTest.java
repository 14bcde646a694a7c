package io.jenkins.plugins.slipway.runner.engine.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/kubernetes: every object is one the API server takes, and the Role grants what the engine calls, no more. */
class InstallManifestsTest {
    private static final Path DIR = Path.of("..", "..", "deploy", "kubernetes");

    private static List<HasMetadata> objects() throws IOException {
        List<HasMetadata> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(DIR)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).sorted().toList()) {
                for (String doc : Files.readString(f).split("(?m)^---$")) {
                    if (doc.lines().anyMatch(l -> l.startsWith("kind:"))) {
                        all.add(Serialization.unmarshal(doc));
                    }
                }
            }
        }
        return all;
    }

    @Test
    void everyObjectIsValid() throws IOException {
        List<HasMetadata> objects = objects();
        assertThat(objects).extracting(HasMetadata::getKind).containsExactlyInAnyOrder("Namespace", "ServiceAccount",
                "Role", "RoleBinding", "PersistentVolumeClaim", "Deployment", "Service");
        for (HasMetadata o : objects) {
            assertThat(KubernetesObjectCheck.problems(o)).as(o.getKind()).isEmpty();
        }
    }

    @Test
    void theRoleGrantsWhatTheEngineCallsAndNoMore() throws IOException {
        Role role = objects().stream().filter(Role.class::isInstance).map(Role.class::cast).findFirst().orElseThrow();
        List<String> grants = new ArrayList<>();
        for (PolicyRule r : role.getRules()) {
            for (String g : r.getApiGroups()) {
                for (String res : r.getResources()) {
                    for (String v : r.getVerbs()) {
                        grants.add((g.isEmpty() ? "" : g + "/") + res + ":" + v);
                    }
                }
            }
        }
        assertThat(grants).containsExactlyInAnyOrder(
                "apps/deployments:get", "apps/deployments:list", "apps/deployments:watch", "apps/deployments:create",
                "apps/deployments:patch", "apps/deployments:delete",
                "pods:get", "pods:list", "pods:watch", "pods:patch",
                "persistentvolumeclaims:get", "persistentvolumeclaims:list", "persistentvolumeclaims:create",
                "persistentvolumeclaims:delete",
                "services:get", "services:list", "services:watch", "services:create", "services:patch",
                "services:delete",
                "secrets:get", "secrets:list", "secrets:create", "secrets:delete",
                "configmaps:get", "configmaps:list", "configmaps:create", "configmaps:delete",
                "gateway.networking.k8s.io/httproutes:get", "gateway.networking.k8s.io/httproutes:list",
                "gateway.networking.k8s.io/httproutes:create", "gateway.networking.k8s.io/httproutes:update",
                "gateway.networking.k8s.io/httproutes:delete");
    }
}
