package io.jenkins.plugins.slipway.runner.engine;

/**
 * Where an app's network meets the runner's host: what the runner needs to route the app's internal calls.
 *
 * @param name    the engine's name of the network
 * @param gateway the host's address on it (the gateway of a bridge network)
 * @param subnet  its subnet in CIDR notation: the addresses its containers call from
 */
public record NetworkAddress(String name, String gateway, String subnet) {
}
