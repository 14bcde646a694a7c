package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code scale}: the replica count of one service of the serving revision, as {@code docker service scale}. */
@Command(name = "scale", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sets the replica count of a service of the app's serving revision (0-100). Refused while",
                "a release of the app is in progress, and outside min..max for a service with",
                "x-slipway.autoscale (the autoscaler goes on from the count set)."})
final class ScaleCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "APP", description = "App name.")
    String app;

    @Parameters(index = "1", paramLabel = "SERVICE=REPLICAS", converter = TargetConverter.class,
            description = "The service and its new replica count (web=3).")
    Target target;

    /** A service and the replicas it is to have. */
    record Target(String service, int replicas) {
    }

    /** Reads {@code web=3}; anything else is wrong usage, refused before the runner is called. */
    static final class TargetConverter implements ITypeConverter<Target> {
        @Override
        public Target convert(String value) {
            int eq = value.indexOf('=');
            try {
                int replicas = eq < 1 ? -1 : Integer.parseInt(value.substring(eq + 1).trim());
                if (replicas >= 0) {
                    return new Target(value.substring(0, eq).trim(), replicas);
                }
            } catch (NumberFormatException e) {
                // said below
            }
            throw new TypeConversionException("expected SERVICE=REPLICAS (web=3), got '" + value + "'");
        }
    }

    @Override
    int call(RunnerClient client) {
        AppStatus status = client.scale(app, target.service(), target.replicas());
        out().println(app + " " + target.service() + " scaled to " + target.replicas() + " replicas (revision "
                + status.revision() + ")");
        return 0;
    }
}
