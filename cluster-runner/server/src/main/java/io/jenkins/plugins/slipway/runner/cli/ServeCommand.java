package io.jenkins.plugins.slipway.runner.cli;

import io.jenkins.plugins.slipway.runner.RunnerService;
import io.jenkins.plugins.slipway.runner.analysis.WebhookPolicy;
import io.jenkins.plugins.slipway.runner.api.ServerOptions;
import io.jenkins.plugins.slipway.runner.api.tls.TlsOptions;
import io.jenkins.plugins.slipway.runner.api.tls.TlsSettings;
import io.jenkins.plugins.slipway.runner.compose.HostAccess;
import io.jenkins.plugins.slipway.runner.engine.kubernetes.KubernetesAccess;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code serve}: runs the runner until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the runner: its API, its routes and its releases, until SIGTERM.",
                "After any stop, a restart on the same data dir adopts its containers and resumes its releases."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8787",
            description = "API port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address the API and the routes listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Data dir: the H2 database (tokens only as salted hashes) and runner-id (default ~/.slipway).")
    Path data;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = {"Where the first admin token goes at the first start: read when the file exists, else"
                    + " generated (mode 0600). Default ~/.config/slipway/token, outside the data dir."})
    Path tokenFile;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS: PEM certificate chain (with --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "Its unencrypted PEM private key.")
    Path tlsKey;

    @Option(names = "--tls-self-signed",
            description = "Serve HTTPS with a certificate made (once) in DATA/tls/; prints its SHA-256 fingerprint.")
    boolean tlsSelfSigned;

    @Option(names = "--tls-client-ca", paramLabel = "FILE",
            description = "Mutual TLS: refuse clients without a certificate this PEM CA signed.")
    Path tlsClientCa;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "docker",
            description = {"Where replicas run (default ${DEFAULT-VALUE}): docker, containers on the daemon at DOCKER_HOST;",
                    "swarm, services on the Docker Swarm whose manager is at DOCKER_HOST (docs/swarm.md);",
                    "kubernetes, Deployments in a namespace of the cluster kubectl would use (docs/kubernetes.md)."})
    String engine;

    @Option(names = "--docker-host", paramLabel = "URL",
            description = "The Docker daemon of the docker engine, e.g. unix:///run/other/docker.sock (default: DOCKER_HOST,"
                    + " else unix:///var/run/docker.sock).")
    String dockerHost;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "kubernetes: the kubeconfig (default: KUBECONFIG, else ~/.kube/config, else in a pod its service account).")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME",
            description = "kubernetes: the kubeconfig context (default: its current context).")
    String kubeContext;

    @Option(names = "--namespace", paramLabel = "NAME",
            description = "kubernetes: where the runner's Deployments go (default: the context's, in a pod its own, else default).")
    String namespace;

    @Option(names = "--webhook-allow", paramLabel = "CIDR|HOST",
            description = {"Lets webhook analyses reach this address range or host (repeatable).",
                    "By default they reach public addresses only: not loopback, link-local (cloud metadata),",
                    "private or reserved ones."})
    List<String> webhookAllow = new ArrayList<>();

    @Option(names = "--publish-address", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address Compose ports with a host port (\"8081:8080\") are published on (default ${DEFAULT-VALUE}).")
    String publishAddress;

    @Option(names = "--allow-bind-mounts", paramLabel = "PATH-PREFIX",
            description = {"Lets Compose files bind-mount host paths under this prefix (repeatable).",
                    "By default bind mounts are refused: a bind mount of / gives the host to whoever may deploy."})
    List<Path> allowBindMounts = new ArrayList<>();

    @Option(names = "--allow-privileged",
            description = {"Lets Compose files use privileged, cap_add, devices, security_opt, sysctls outside the",
                    "network namespace, and host pid, ipc or network_mode. Refused by default."})
    boolean allowPrivileged;

    @Option(names = "--task-retention", paramLabel = "DURATION", defaultValue = "1h",
            converter = DurationConverter.class,
            description = "How long a task's exit code and log are kept after it ended (default: ${DEFAULT-VALUE}).")
    Duration taskRetention;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        Path dataDir = data == null ? Main.defaultDataDir() : data;
        Path token = tokenFile == null ? Main.defaultTokenFile() : tokenFile;
        String dockerHost = this.dockerHost != null ? this.dockerHost
                : System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        RunnerService service = new RunnerService();
        TlsSettings tls;
        try {
            Files.createDirectories(dataDir);
            tls = new TlsOptions(tlsCert, tlsKey, tlsSelfSigned, tlsClientCa).settings(dataDir, host);
            ServerOptions server = ServerOptions.plain(host, port);
            if (tls != null) {
                server = server.withTls(new ServerOptions.Tls(tls.sslContext(), tls.needClientAuth()));
            }
            service.start(new RunnerService.Options(host, port, dataDir, () -> TokenFile.initial(token, dataDir, err),
                    engine, dockerHost, server, WebhookPolicy.allowing(webhookAllow),
                    new HostAccess(allowBindMounts, allowPrivileged, publishAddress), taskRetention,
                    new KubernetesAccess(kubeconfig, kubeContext, namespace)));
        } catch (Exception e) {
            err.println("slipway-runner: cannot start: " + e.getMessage());
            service.close();
            return Main.EXIT_FAILURE;
        }
        if (tls != null) {
            err.println("slipway-runner: TLS certificate SHA-256 fingerprint " + tls.fingerprint()
                    + (tls.needClientAuth() ? "; client certificates required" : ""));
        }
        err.println("slipway-runner: serving on " + (tls == null ? "http" : "https") + "://" + host + ":" + service.port()
                + ", admin token in " + token);
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "slipway-shutdown"));
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
