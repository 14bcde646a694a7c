package io.jenkins.plugins.slipway.runner.release;

import io.jenkins.plugins.slipway.runner.compose.ServiceWiring;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Whether a host port is free on the address the engine publishes on (the local engine's host is this one). */
final class HostPorts {
    private HostPorts() {
    }

    static boolean free(String publishAddress, ServiceWiring.PublishedPort port) {
        String host = port.hostIp() == null ? publishAddress : port.hostIp();
        InetSocketAddress at = new InetSocketAddress(host, port.hostPort());
        try {
            if ("udp".equals(port.protocol())) {
                try (DatagramSocket s = new DatagramSocket(at)) {
                    return s.isBound();
                }
            }
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(false);
                s.bind(at);
                return true;
            }
        } catch (IOException e) {
            return false;
        }
    }
}
