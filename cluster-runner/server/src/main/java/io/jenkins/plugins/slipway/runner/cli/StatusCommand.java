package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code status}: an app's revision, services and current release. */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints an app's revision, each service's replicas, route, weights and images, the"
                + " autoscaler's figures, and its current release.")
final class StatusCommand extends ClientCommand {
    @Parameters(index = "0", paramLabel = "APP", description = "App name.")
    String app;

    @Override
    int call(RunnerClient client) {
        PrintWriter out = out();
        AppStatus s = client.app(app);
        out.println(s.name() + " revision " + s.revision() + (s.currentRelease() == null ? "" : ", release " + s.currentRelease()));
        for (AppStatus.ServiceStatus svc : s.services()) {
            out.println("  " + svc.name() + ": " + svc.replicas().ready() + "/" + svc.replicas().desired() + " ready"
                    + (svc.route() == null ? "" : ", route 127.0.0.1:" + svc.route().port() + " -> " + svc.route().targetPort())
                    + (svc.weights().isEmpty() ? "" : ", weights " + svc.weights())
                    + ", images " + svc.images());
            if (svc.autoscale() != null) {
                out.println("    " + autoscale(svc.autoscale()));
            }
        }
        if (s.currentRelease() != null) {
            ReleaseStatus r = client.release(s.currentRelease());
            out.println("  release " + r.id() + ": " + r.phase() + ", step " + r.step() + "/" + r.stepCount()
                    + (r.message() == null ? "" : " - " + r.message()));
        }
        return 0;
    }

    /** "autoscale 1..5: 1 -> 3, requestsPerSecond 142.0 per replica (target 50.0)". */
    static String autoscale(AppStatus.Autoscaling a) {
        StringBuilder b = new StringBuilder("autoscale " + a.min() + ".." + a.max());
        if (a.current() >= 0) {
            b.append(": ").append(a.current()).append(" -> ").append(a.desired());
        }
        a.targets().forEach((key, goal) -> b.append(", ").append(key).append(' ')
                .append(a.measured().containsKey(key) ? a.measured().get(key) + " per replica" : "not measured yet")
                .append(" (target ").append(goal).append(')'));
        if (a.held() != null) {
            b.append("; held: ").append(a.held());
        }
        return b.toString();
    }
}
