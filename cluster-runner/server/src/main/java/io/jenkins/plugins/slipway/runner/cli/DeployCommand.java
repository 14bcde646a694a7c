package io.jenkins.plugins.slipway.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jenkins.plugins.slipway.runner.client.ComposeInputs;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.DeployResponse;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code deploy}: a new revision of an app from a Compose file, and its release. */
@Command(name = "deploy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Deploys a Compose file as a new revision of APP and starts its release.",
                "Reads the file's secrets, configs and env files (file: relative to it, environment: from this shell)"
                        + " and sends their values with it.",
                "Prints the revision and the release id; nothing changes when the spec is unchanged."})
final class DeployCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "APP", description = "App name: 1-40 lower-case letters, digits and -.")
    String app;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "COMPOSE_FILE",
            description = "The Compose file (with x-slipway keys) to deploy.")
    Path file;

    @Option(names = "--image", paramLabel = "SERVICE=REF",
            description = "Image for a service, overriding the Compose file's; repeatable.")
    Map<String, String> images = new LinkedHashMap<>();

    @Option(names = "--watch", description = "Follow the release's events until it ends; exit 0 only on success.")
    boolean watch;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * Values as Compose reads them where it runs: files relative to the Compose file, variables from this
     * process's environment. Jenkins credentials exist only in a pipeline.
     */
    record LocalSources(Path composeFile) implements ComposeInputs.Sources {
        @Override
        public byte[] file(String path) throws IOException {
            Path dir = composeFile.toAbsolutePath().getParent();
            return Files.readAllBytes(dir.resolve(path));
        }

        @Override
        public String environment(String name) {
            return System.getenv(name);
        }

        @Override
        public byte[] credential(String id, String where) throws IOException {
            throw new IOException(where + ": a Jenkins credential ('" + id + "') can be read only by slipwayDeploy in"
                    + " a pipeline; from the command line give the secret with file: or environment:");
        }
    }

    /** The file as a tree, or null when it is not YAML: the runner's answer then says what is wrong, and where. */
    private static com.fasterxml.jackson.databind.JsonNode tree(String compose) {
        try {
            return YAML.readTree(compose);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    int call(RunnerClient client) throws Exception {
        String compose = Files.readString(file);
        ComposeInputs.Values values;
        try {
            values = ComposeInputs.read(tree(compose), new LocalSources(file));
        } catch (IOException e) {
            err().println("error: " + file + ": " + e.getMessage());
            return 2;
        }
        DeployResponse rsp = client.deploy(app, new DeployRequest(compose, images, null).with(values));
        rsp.warnings().forEach(w -> err().println("warning: " + w));
        if (rsp.release() == null) {
            out().println(app + " unchanged at revision " + rsp.revision());
            return 0;
        }
        out().println(app + " revision " + rsp.revision() + ", release " + rsp.release());
        return watch ? new ReleaseWatcher(client, out(), err()).watch(rsp.release()) : 0;
    }
}
