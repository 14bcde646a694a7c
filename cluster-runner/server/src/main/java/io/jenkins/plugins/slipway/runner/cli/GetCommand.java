package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.client.AppStatus;
import io.jenkins.plugins.slipway.runner.client.ReleaseEvent;
import io.jenkins.plugins.slipway.runner.client.ReleaseStatus;
import io.jenkins.plugins.slipway.runner.client.RunnerClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code get}: an app and its release as a header and a tree, once or live. */
@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Shows an app as `kubectl argo rollouts get rollout` shows a rollout: status, strategy, step,"
                + " set and actual weight, images of the stable and canary revisions, replica counts, and a tree of"
                + " revisions, replica sets, replicas and analysis runs.",
                "With --watch it redraws on every event of the release until the release ends: in place on a"
                        + " terminal, as appended snapshots otherwise."})
final class GetCommand extends ClientCommand {
    /** How long the event stream must stay quiet before a snapshot is drawn: the replay arrives as one burst. */
    private static final Duration QUIET = Duration.ofMillis(150);
    /** A snapshot is drawn at least this often while events keep coming. */
    private static final Duration MAX_DELAY = Duration.ofSeconds(1);
    /** Without --watch: how long to wait for the release's first events. */
    private static final Duration FIRST_EVENTS = Duration.ofSeconds(5);
    /** ANSI: cursor home, clear to the end of the screen. */
    private static final String CLEAR = "\033[H\033[J";

    @Parameters(index = "0", paramLabel = "APP", description = "App name.")
    String app;

    @Option(names = {"-w", "--watch"}, description = "Redraw on every event until the release ends.")
    boolean watch;

    @Override
    int call(RunnerClient client) throws InterruptedException {
        AppStatus status = client.app(app);
        if (status.currentRelease() == null) {
            draw(new RolloutView(status, null, List.of(), Instant.now()).render(), false);
            return 0;
        }
        boolean inPlace = watch && onTerminal();
        try (ReleaseFeed feed = new ReleaseFeed(client, status.currentRelease(), err())) {
            if (!watch) {
                feed.awaitBatch(FIRST_EVENTS, QUIET, MAX_DELAY);
                draw(view(client, feed), false);
                return 0;
            }
            boolean ended = false;
            while (!ended) {
                ended = !feed.awaitBatch(Duration.ofDays(1), QUIET, MAX_DELAY);
                draw(view(client, feed), inPlace);
            }
            return 0;
        }
    }

    /** Stdout (and stdin) is a terminal that understands cursor moves: redraw in place there. */
    private static boolean onTerminal() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    private String view(RunnerClient client, ReleaseFeed feed) {
        AppStatus status = client.app(app);
        ReleaseStatus release = client.release(feed.release());
        List<ReleaseEvent> events = feed.events();
        return new RolloutView(status, release, events, Instant.now()).render();
    }

    private void draw(String view, boolean inPlace) {
        PrintWriter out = out();
        if (inPlace) {
            out.print(CLEAR);
        }
        out.print(view);
        if (watch && !inPlace) {
            out.println();
        }
        out.flush();
    }
}
