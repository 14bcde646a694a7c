package io.jenkins.plugins.slipway.runner.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.slipway.runner.client.ApiError;
import io.jenkins.plugins.slipway.runner.engine.Capabilities;
import io.jenkins.plugins.slipway.runner.engine.FakeEngine;
import io.jenkins.plugins.slipway.runner.release.Deployer;
import io.jenkins.plugins.slipway.runner.release.EngineFit;
import io.jenkins.plugins.slipway.runner.release.Strategies;
import io.jenkins.plugins.slipway.runner.release.hooks.HookPlan;
import io.jenkins.plugins.slipway.runner.secrets.DeployFiles;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One-shot services: {@code x-slipway.task}, {@code service_completed_successfully}, what they refuse, the plan. */
class OneShotTest {
    private final ComposeParser parser = new ComposeParser(Set.of("rolling", "canary", "blueGreen"));

    private static final String MIGRATED = """
            services:
              web:
                image: web:2
                depends_on:
                  migrate: {condition: service_completed_successfully}
                  db: {condition: service_healthy}
                x-slipway:
                  route: {port: 8000, targetPort: 8080}
              migrate:
                image: web:2
                command: ["migrate", "up"]
                depends_on: [db, seed]
              seed:
                image: web:2
                x-slipway:
                  task: {when: beforeRelease, timeout: 90s}
              notify:
                image: curl:8
                x-slipway:
                  task: {when: afterRelease}
              db:
                image: postgres:16
            """;

    private List<String> problems(String yaml) {
        try {
            parser.parse(yaml, Map.of());
        } catch (ComposeException e) {
            return e.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
        }
        throw new AssertionError("accepted: " + yaml);
    }

    @Test
    void tasksAndCompletedDependenciesAreOneShotAndTheOthersKeepRunning() throws Exception {
        AppSpec spec = parser.parse(MIGRATED, Map.of()).spec();

        assertThat(spec.services().get("seed").oneShot())
                .isEqualTo(new OneShot(OneShot.When.BEFORE_RELEASE, Duration.ofSeconds(90)));
        assertThat(spec.services().get("notify").oneShot())
                .isEqualTo(new OneShot(OneShot.When.AFTER_RELEASE, OneShot.DEFAULT_TIMEOUT));
        assertThat(spec.services().get("migrate").oneShot())
                .isEqualTo(new OneShot(OneShot.When.BEFORE_DEPENDANTS, OneShot.DEFAULT_TIMEOUT));
        assertThat(spec.services().get("web").oneShot()).isNull();
        assertThat(spec.services().get("db").oneShot()).isNull();
    }

    @Test
    void theHooksRunInDependencyOrderBeforeAndAfter() throws Exception {
        HookPlan plan = HookPlan.of(parser.parse(MIGRATED, Map.of()).spec());

        // migrate comes first in the file but depends on seed.
        assertThat(plan.before()).containsExactly("seed", "migrate");
        assertThat(plan.after()).containsExactly("notify");
        assertThat(HookPlan.of(parser.parse("services: {web: {image: web:1}}", Map.of()).spec()).isEmpty()).isTrue();
    }

    @Test
    void theValidationPlanSaysWhichServicesRunOnceAndWhen() throws Exception {
        AppPlan plan = AppPlan.of("shop", MIGRATED, parser.parse(MIGRATED, Map.of()));

        Map<String, String> runs = new java.util.LinkedHashMap<>();
        plan.services().forEach(s -> runs.put(s.name(), s.runs()));
        assertThat(runs.get("seed")).contains("before any traffic shifts", "beforeRelease", "timeout 90.0 s");
        assertThat(runs.get("migrate")).contains("before its dependants", "service_completed_successfully");
        assertThat(runs.get("notify")).contains("after the new revision carries all the traffic", "afterRelease");
        assertThat(runs.get("web")).isNull();
        assertThat(runs.get("db")).isNull();
    }

    @Test
    void badTaskKeysAreRefusedWithTheirPath() {
        assertThat(problems("""
                services:
                  a: {image: x, x-slipway: {task: {when: beforeDeploy}}}
                  b: {image: x, x-slipway: {task: {timeout: 10s}}}
                  c: {image: x, x-slipway: {task: {when: afterRelease, retries: 3, timeout: 0s}}}
                  d: {image: x, x-slipway: {task: beforeRelease}}
                """)).containsExactly(
                "services.a.x-slipway.task.when: must be beforeRelease or afterRelease, got \"beforeDeploy\"",
                "services.b.x-slipway.task.when: is required: beforeRelease or afterRelease",
                "services.c.x-slipway.task.retries: is not a key of x-slipway.task; it takes when and timeout",
                "services.c.x-slipway.task.timeout: must be longer than 0",
                "services.d.x-slipway.task: must be a mapping, got \"beforeRelease\"");
    }

    @Test
    void whatOnlyARunningServiceHasIsRefusedForATask() {
        List<String> paths = problems("""
                services:
                  migrate:
                    image: x
                    ports: ["8080"]
                    restart: always
                    healthcheck: {test: ["CMD", "true"]}
                    deploy:
                      replicas: 2
                      restart_policy: {condition: on-failure}
                      update_config: {parallelism: 1}
                    x-slipway:
                      task: {when: beforeRelease}
                      route: {port: 8000, targetPort: 8080}
                      release: {strategy: canary, steps: [{setWeight: 50}]}
                """).stream().map(p -> p.substring(0, p.indexOf(':'))).toList();

        assertThat(paths).containsExactlyInAnyOrder("services.migrate.x-slipway.route", "services.migrate.ports",
                "services.migrate.deploy.replicas", "services.migrate.healthcheck",
                "services.migrate.x-slipway.release.strategy", "services.migrate.restart",
                "services.migrate.deploy.restart_policy", "services.migrate.deploy.update_config");
    }

    @Test
    void dependenciesAOneShotServiceCannotMeetAreRefused() {
        assertThat(problems("""
                services:
                  web:
                    image: x
                    depends_on:
                      migrate: {condition: service_healthy}
                      notify: {condition: service_completed_successfully}
                  api:
                    image: x
                    depends_on: [notify]
                  migrate: {image: x, x-slipway: {task: {when: beforeRelease}}}
                  notify: {image: x, x-slipway: {task: {when: afterRelease}}}
                """)).containsExactlyInAnyOrder(
                "services.web.depends_on.notify.condition: notify runs afterRelease, after every service of the"
                        + " release has started; nothing can wait for it to complete",
                "services.web.depends_on.migrate.condition: migrate runs once and exits, it is never healthy; use"
                        + " service_completed_successfully",
                "services.web.depends_on.notify: notify runs afterRelease, after every service of the release has"
                        + " started; nothing can depend on it",
                "services.api.depends_on.notify: notify runs afterRelease, after every service of the release has"
                        + " started; nothing can depend on it");
    }

    @Test
    void anEngineWithoutTasksRefusesOneShotServicesAtValidation() {
        Deployer deployer = new Deployer(null, null, null, null, null, Strategies.defaults(), HostAccess.DEFAULT, null,
                EngineFit.of(new FakeEngine("swarm", new Capabilities(true, true, true, true), spec -> List.of(),
                        "the swarm engine does not run tasks")));

        assertThatThrownBy(() -> deployer.parse(MIGRATED, Map.of(), DeployFiles.NONE))
                .isInstanceOfSatisfying(ComposeException.class, e -> assertThat(e.problems())
                        .extracting(ApiError.Problem::path)
                        .containsExactlyInAnyOrder("services.migrate", "services.seed.x-slipway.task",
                                "services.notify.x-slipway.task"));
        assertThatThrownBy(() -> deployer.parse(MIGRATED, Map.of(), DeployFiles.NONE))
                .hasMessageContaining("the swarm engine does not run tasks");
    }

    @Test
    void aServiceKeptRunningHashesAsBeforeOneShotServicesExisted() throws Exception {
        // The deployer drops these suffixes from the text it hashes: an unchanged file starts no release after an upgrade.
        assertThat(parser.parse("services: {web: {image: web:1}}", Map.of()).spec().services().get("web").toString())
                .endsWith(", oneShot=null, autoscale=null, kubernetes=null]");
    }
}
