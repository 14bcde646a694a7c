package io.jenkins.plugins.slipway.runner.it.swarm;

import io.jenkins.plugins.slipway.runner.it.WholeMachine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.jenkins.plugins.slipway.runner.it.BusyboxHttpdImage;
import io.jenkins.plugins.slipway.runner.it.Docker;
import io.jenkins.plugins.slipway.runner.it.RunnerProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The three-node swarm that {@code scripts/swarm-up.sh 2} makes on this machine does what the Swarm engine relies
 * on: zones, spread and constraints, host-mode ports on every node, overlay discovery across nodes, generic
 * resources, and rescheduling when a worker dies. Prints how long each took.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@WholeMachine("makes the machine's Docker engine a Swarm manager and kills swarm nodes")
class SwarmSetupIT {
    private static final String IMAGE = "127.0.0.1:5000/it-swarm-web:1";
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static Swarm swarm;
    /** Node name (hostname) to its zone label. */
    private static Map<String, String> zones;

    @BeforeAll
    static void up() throws Exception {
        Swarm.down(); // from nothing, whatever an interrupted run left
        swarm = Swarm.up(2);
        System.out.printf("SWARM swarm-up.sh 2 from nothing: %.1f s%n", swarm.upTime().toMillis() / 1000.0);
        buildAndPushImage();
        zones = new TreeMap<>();
        for (String id : Docker.run("node", "ls", "-q").strip().split("\\s+")) {
            String[] node = Docker.run("node", "inspect", "--format",
                    "{{.Description.Hostname}} {{index .Spec.Labels \"zone\"}}", id).strip().split(" ");
            zones.put(node[0], node.length > 1 ? node[1] : "");
        }
    }

    @AfterAll
    static void down() throws Exception {
        long start = System.nanoTime();
        Swarm.down();
        System.out.printf("SWARM swarm-down.sh: %.1f s%n", (System.nanoTime() - start) / 1e9);
        assertThat(Docker.run("info", "--format", "{{.Swarm.LocalNodeState}}").strip()).isEqualTo("inactive");
    }

    @Test
    @Order(1)
    void threeNodesReadyWithZones() throws Exception {
        assertThat(Docker.run("node", "ls", "--format", "{{.Status}} {{.Availability}}").lines())
                .containsExactly("Ready Active", "Ready Active", "Ready Active");
        assertThat(zones).containsEntry(Swarm.workerName(1), "b").containsEntry(Swarm.workerName(2), "c")
                .containsEntry(managerName(), "a").hasSize(3);
    }

    @Test
    @Order(1)
    void plainContainersRunAsBeforeOnTheManager() throws Exception {
        // Other tests share the local engine while it is the manager: a container on a user-defined bridge network
        // with a published loopback port, as the runner makes them, works as in non-swarm mode.
        String name = "it-swarm-plain";
        try {
            Docker.run("network", "create", name);
            Docker.run("run", "-d", "--name", name, "--network", name, "-p", "127.0.0.1::8080", IMAGE);
            String port = Docker.run("port", name, "8080/tcp").lines().findFirst().orElseThrow().replaceAll(".*:", "");
            URI uri = URI.create("http://127.0.0.1:" + port + "/");
            await("answer from " + uri).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> get(uri).equals("swarm"));
        } finally {
            Docker.run("rm", "-f", name);
            Docker.run("network", "rm", name);
        }
    }

    @Test
    @Order(2)
    void sixReplicasSpreadOverTheThreeZones() throws Exception {
        String service = "it-swarm-spread";
        try {
            long start = System.nanoTime();
            Docker.run("service", "create", "-d", "-q", "--name", service, "--replicas", "6",
                    "--placement-pref", "spread=node.labels.zone", IMAGE);
            awaitRunning(service, 6);
            printSeconds("6 replicas spread running", start);
            assertThat(countBy(runningNodes(service), zones::get)).isEqualTo(Map.of("a", 2L, "b", 2L, "c", 2L));
        } finally {
            removeServices(service);
        }
    }

    @Test
    @Order(3)
    void constraintZoneBHonoured() throws Exception {
        String service = "it-swarm-zone-b";
        try {
            Docker.run("service", "create", "-d", "-q", "--name", service, "--replicas", "3",
                    "--constraint", "node.labels.zone==b", IMAGE);
            awaitRunning(service, 3);
            assertThat(runningNodes(service)).containsOnly(Swarm.workerName(1));
        } finally {
            removeServices(service);
        }
    }

    @Test
    @Order(4)
    void hostModePortAnswersOnEveryNodesAddress() throws Exception {
        String service = "it-swarm-host";
        int port = RunnerProcess.freePort(18600, 18699);
        try {
            Docker.run("service", "create", "-d", "-q", "--name", service, "--mode", "global",
                    "--hostname", "{{.Node.Hostname}}",
                    "--publish", "mode=host,published=" + port + ",target=8080", IMAGE);
            awaitRunning(service, 3);
            Map<String, String> expected = Map.of(Swarm.MANAGER_ADDRESS, managerName(),
                    Swarm.workerAddress(1), Swarm.workerName(1), Swarm.workerAddress(2), Swarm.workerName(2));
            for (Map.Entry<String, String> node : expected.entrySet()) {
                URI uri = URI.create("http://" + node.getKey() + ":" + port + "/cgi-bin/host");
                // Each node's own task answers on its address: the CGI prints the hostname the task got from its node.
                await("answer from " + uri).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions().until(() -> get(uri).equals(node.getValue()));
            }
        } finally {
            removeServices(service);
        }
    }

    @Test
    @Order(5)
    void overlayNetworkFindsServiceByNameAcrossNodes() throws Exception {
        String network = "it-swarm-net";
        String web = "it-swarm-dns";
        String client = "it-swarm-client";
        try {
            Docker.run("network", "create", "-d", "overlay", network);
            // DNS round robin: a virtual IP needs IPVS, which this kernel lacks (docs/swarm.md).
            Docker.run("service", "create", "-d", "-q", "--name", web, "--network", network, "--endpoint-mode", "dnsrr",
                    "--replicas", "2", "--constraint", "node.labels.zone==b", "--hostname", "{{.Node.Hostname}}", IMAGE);
            Docker.run("service", "create", "-d", "-q", "--name", client, "--network", network,
                    "--endpoint-mode", "dnsrr", "--constraint", "node.labels.zone==c", IMAGE);
            await("services running").atMost(CONVERGE).pollInterval(Duration.ofMillis(300))
                    .until(() -> runningNodes(web).size() == 2 && runningNodes(client).size() == 1);
            String container = Swarm.worker(2, "ps", "-q", "--filter",
                    "label=com.docker.swarm.service.name=" + client).strip();
            // The static busybox's wget cannot resolve names (static glibc, no NSS): nslookup, then nc by address.
            List<String> addresses = await("both tasks of " + web + " in DNS").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> taskAddresses(container, web), list -> list.size() == 2);
            for (String address : addresses) {
                String answer = Swarm.worker(2, "exec", container, "busybox", "sh", "-c",
                        "busybox printf 'GET /cgi-bin/host HTTP/1.0\\r\\n\\r\\n' | busybox nc -w 5 " + address + " 8080");
                assertThat(answer.strip().lines().reduce((a, b) -> b).orElse("")).as("answer from " + address)
                        .isEqualTo(Swarm.workerName(1));
            }
        } finally {
            removeServices(web, client);
            await("tasks detached from " + network).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> {
                        Docker.run("network", "rm", network);
                        return true;
                    });
        }
    }

    @Test
    @Order(6)
    void genericResourcesPlaceTasksWhereTheyAre() throws Exception {
        String service = "it-swarm-gpu";
        try {
            // Worker 2 offers two NVIDIA-GPU generic resources (scripts/swarm-up.sh); a third replica finds none.
            Docker.run("service", "create", "-d", "-q", "--name", service, "--replicas", "3",
                    "--generic-resource", "NVIDIA-GPU=1", IMAGE);
            awaitRunning(service, 2);
            assertThat(runningNodes(service)).containsOnly(Swarm.workerName(2));
            await("third replica pending").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> Docker.run("service", "ps", "--no-trunc", "--format", "{{.CurrentState}} {{.Error}}",
                            service).lines().anyMatch(l -> l.startsWith("Pending") && l.contains("insufficient resources")));
            String container = Swarm.worker(2, "ps", "-q", "--filter",
                    "label=com.docker.swarm.service.name=" + service).lines().findFirst().orElseThrow();
            assertThat(Swarm.worker(2, "inspect", "--format", "{{json .Config.Env}}", container))
                    .containsPattern("DOCKER_RESOURCE_NVIDIA-GPU=GPU-w2-[01]");
        } finally {
            removeServices(service);
        }
    }

    @Test
    @Order(7)
    void killedWorkersTasksAreRescheduled() throws Exception {
        String service = "it-swarm-failover";
        try {
            Docker.run("service", "create", "-d", "-q", "--name", service, "--replicas", "6",
                    "--placement-pref", "spread=node.labels.zone", IMAGE);
            awaitRunning(service, 6);
            assertThat(runningNodes(service)).contains(Swarm.workerName(1));
            long start = System.nanoTime();
            Swarm.killWorker(1);
            await("worker 1 down").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Docker.run("node", "inspect", "--format", "{{.Status.State}}", Swarm.workerName(1))
                            .strip().equals("down"));
            printSeconds("killed worker seen down", start);
            await("6 replicas on the other nodes").atMost(CONVERGE).pollInterval(Duration.ofMillis(300))
                    .until(() -> runningNodes(service).stream().filter(n -> !n.equals(Swarm.workerName(1))).count() == 6);
            printSeconds("killed worker's tasks running elsewhere", start);
            assertThat(countBy(runningNodes(service).stream().filter(n -> !n.equals(Swarm.workerName(1))).toList(),
                    zones::get)).isEqualTo(Map.of("a", 3L, "c", 3L));
        } finally {
            removeServices(service);
        }
    }

    /**
     * Waits until {@code count} tasks of the service run. On timeout the failure shows every task's node, state and
     * error, and the nodes' states: a CI log is all there is to go on.
     */
    private static void awaitRunning(String service, int count) throws Exception {
        try {
            await(service + " running").atMost(CONVERGE).pollInterval(Duration.ofMillis(300))
                    .until(() -> runningNodes(service).size() == count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(count + " tasks of " + service + " not running within " + CONVERGE + "; tasks:\n"
                    + Docker.run("service", "ps", "--no-trunc", "--format",
                            "{{.Name}} {{.Node}} {{.DesiredState}} {{.CurrentState}} {{.Error}}", service)
                    + "nodes:\n" + Docker.run("node", "ls", "--format", "{{.Hostname}} {{.Status}} {{.Availability}}"), e);
        }
    }

    /** The node of each task that runs (desired and current state running), one entry per task. */
    private static List<String> runningNodes(String service) throws Exception {
        return Docker.run("service", "ps", "--filter", "desired-state=running", "--format",
                        "{{.Node}} {{.CurrentState}}", service).lines()
                .filter(l -> l.contains(" Running ")).map(l -> l.substring(0, l.indexOf(' '))).toList();
    }

    private static List<String> taskAddresses(String container, String name) throws Exception {
        String out = Swarm.worker(2, "exec", container, "busybox", "nslookup", name, "127.0.0.11");
        return out.lines().filter(l -> l.startsWith("Address:") && !l.contains("127.0.0.11"))
                .map(l -> l.substring("Address:".length()).strip()).sorted().toList();
    }

    private static Map<String, Long> countBy(List<String> nodes, Function<String, String> key) {
        return nodes.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting()));
    }

    private static String managerName() throws Exception {
        return Docker.run("info", "--format", "{{.Name}}").strip();
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> rsp = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        return rsp.statusCode() == 200 ? rsp.body().strip() : "HTTP " + rsp.statusCode();
    }

    private static void removeServices(String... services) throws Exception {
        Docker.run(concat(new String[] {"service", "rm"}, services));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static void printSeconds(String what, long startNanos) {
        System.out.printf("SWARM %s: %.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
    }

    /** busybox httpd on 8080 with {@code /cgi-bin/host} printing the hostname, pushed so that every node pulls it. */
    private static void buildAndPushImage() throws Exception {
        BusyboxHttpdImage.labelled("swarm").file("index.html", "swarm\n")
                .script("cgi-bin/host", "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nhostname\n")
                .build(IMAGE);
        Docker.run("push", "-q", IMAGE);
    }
}
