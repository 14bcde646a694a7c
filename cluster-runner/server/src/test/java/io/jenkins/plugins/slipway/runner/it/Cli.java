package io.jenkins.plugins.slipway.runner.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of the runner's CLI ({@code java -jar slipway-runner.jar ARGS}) as a user runs it: exit code, stdout and
 * stderr.
 */
public record Cli(int exit, String stdout, String stderr) {

    public static Cli run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("slipway.runner.jar", "../target/slipway-runner.jar")));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("the CLI did not end within 120 s: " + String.join(" ", args));
        }
        return new Cli(p.exitValue(), out, err.join());
    }

    /** Both streams, for assertion messages. */
    public String output() {
        return stdout + stderr;
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
