package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.HttpRunnerClient;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the runner is and how to authenticate: the options every client command shares. */
final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:SLIPWAY_URL:-http://127.0.0.1:8787}",
            description = {"The runner's base URL.", "Default: SLIPWAY_URL, else http://127.0.0.1:8787."})
    String url;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = {"File holding the API token.", "Default: SLIPWAY_TOKEN_FILE, else ~/.slipway/token."})
    Path tokenFile;

    /** A client for the runner; fails with a hint when the token file is missing. */
    RunnerClient open() throws IOException {
        Path file = tokenFile();
        if (!Files.exists(file)) {
            throw new IOException("token file " + file + " not found: pass --token-file (the runner writes"
                    + " it to its data dir)");
        }
        return HttpRunnerClient.builder(url).withToken(TokenFile.read(file)).build();
    }

    private Path tokenFile() {
        if (tokenFile != null) {
            return tokenFile;
        }
        String env = System.getenv("SLIPWAY_TOKEN_FILE");
        return env != null && !env.isBlank() ? Path.of(env) : Main.defaultDataDir().resolve("token");
    }
}
