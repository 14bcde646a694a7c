package io.jenkins.plugins.slipway.runner.engine.container;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The DNS servers containers use when nothing names others, found as the Docker engine finds them: the host's
 * {@code /etc/resolv.conf} without loopback servers (unreachable from a container), systemd-resolved's upstream
 * file when that leaves none, and Google's public servers when nothing is left.
 */
final class HostResolvers {
    private static final List<String> FALLBACK = List.of("8.8.8.8", "8.8.4.4");

    private HostResolvers() {
    }

    static List<String> find() {
        for (Path file : List.of(Path.of("/etc/resolv.conf"), Path.of("/run/systemd/resolve/resolv.conf"))) {
            List<String> servers = read(file);
            if (!servers.isEmpty()) {
                return servers;
            }
        }
        return FALLBACK;
    }

    static List<String> read(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::trim).filter(l -> l.startsWith("nameserver"))
                    .map(l -> l.substring("nameserver".length()).trim()).filter(HostResolvers::notLoopback).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static boolean notLoopback(String server) {
        try {
            return !server.isEmpty() && !InetAddress.getByName(server).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
