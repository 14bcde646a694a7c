package io.jenkins.plugins.slipway.runner.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.slipway.runner.client.DeployRequest;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code validate}: what the runner would do with a Compose file, without deploying it. */
@Command(name = "validate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prints the plan the runner would carry out for a Compose file (services, networks, volumes,",
                "secrets by name, start order, strategy per service, keys honoured and ignored), or every problem.",
                "Nothing is created."})
final class ValidateCommand extends ClientCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "APP", description = "App name the plan is for (optional).")
    String app;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "COMPOSE_FILE", description = "The Compose file.")
    Path file;

    @Option(names = "--image", paramLabel = "SERVICE=REF",
            description = "Image for a service, overriding the Compose file's; repeatable.")
    Map<String, String> images = new LinkedHashMap<>();

    @Override
    int call(RunnerClient client) throws Exception {
        Map<String, Object> plan = client.validate(app, new DeployRequest(Files.readString(file), images, null));
        out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(plan));
        return 0;
    }
}
