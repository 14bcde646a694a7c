package io.jenkins.plugins.slipway.deploy;

import io.jenkins.plugins.slipway.build.SlipwayBuildStep;
import io.jenkins.plugins.slipway.push.SlipwayPushStep;
import io.jenkins.plugins.slipway.testing.TestStepContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The pipeline a Slipway user writes, run through the step executions: slipwayBuild of the demo app
 * (demo/ in this repository) at a version, slipwayPush, then slipwayDeploy. The ITs and the main job
 * (scripts/demo.sh) share it.
 */
public final class DeployPipeline {
    public static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

    private DeployPipeline() {
    }

    /** Copies the demo app's build context into {@code workspace/demo}, with the static busybox beside it. */
    public static void stageDemo(Path workspace) throws IOException {
        Path source = Path.of(System.getProperty("slipway.demo.dir", "demo")).toAbsolutePath();
        Path target = workspace.resolve("demo");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else if (!p.getFileName().toString().equals("busybox")) {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        Files.copy(Path.of("/usr/bin/busybox"), target.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The demo's three-line pipeline at {@code version}: {@code slipwayBuild compose:} of demo/compose.yml (every
     * service with a build section), then {@code slipwayPush build:}; returns {@code [service: 'repo@sha256:...']}
     * for {@code slipwayDeploy(images:)}.
     */
    public static Map<String, String> buildAndPushCompose(Path workspace, String composePath, String version) throws Exception {
        SlipwayBuildStep build = new SlipwayBuildStep(null);
        build.setCompose(composePath);
        build.setTags(List.of(version));
        build.setBuildArgs(Map.of("VERSION", version));
        @SuppressWarnings("unchecked")
        Map<String, Object> built = (Map<String, Object>) TestStepContext.in(workspace.toFile()).run(build, STEP_TIMEOUT);
        SlipwayPushStep push = new SlipwayPushStep();
        push.setBuild(built);
        @SuppressWarnings("unchecked")
        Map<String, String> pushed = (Map<String, String>) TestStepContext.in(workspace.toFile()).run(push, STEP_TIMEOUT);
        return pushed;
    }

    /** slipwayBuild + slipwayPush of the demo's web service at {@code version}; returns the pushed {@code repo@sha256:...}. */
    public static String buildAndPush(Path workspace, String repository, String version) throws Exception {
        SlipwayBuildStep build = new SlipwayBuildStep(repository);
        build.setContext("demo");
        build.setTarget("web");
        build.setTags(List.of(version));
        build.setBuildArgs(Map.of("VERSION", version));
        TestStepContext buildCtx = TestStepContext.in(workspace.toFile());
        @SuppressWarnings("unchecked")
        Map<String, Object> built = (Map<String, Object>) buildCtx.run(build, STEP_TIMEOUT);
        SlipwayPushStep push = new SlipwayPushStep();
        push.setBuild(built);
        return (String) TestStepContext.in(workspace.toFile()).run(push, STEP_TIMEOUT);
    }
}
