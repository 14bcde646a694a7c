package io.jenkins.plugins.slipway.build;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import java.util.List;
import java.util.Map;

/**
 * One service's {@code build:} section of a Compose file, with its paths made relative to the workspace.
 *
 * @param service    the service name
 * @param image      the service's {@code image:} as written (repository, maybe with a tag); null when absent
 * @param context    the build context, relative to the workspace ({@code "."} for the workspace itself)
 * @param dockerfile the Dockerfile, relative to the workspace; null means {@code <context>/Dockerfile}
 * @param args       build arguments, those without a value taken from the build's environment
 * @param target     the stage to build; null builds the last one
 * @param labels     labels from the section
 * @param cacheFrom  images the engine may take cached layers from
 * @param pull       {@code pull: true}: always pull the base images
 * @param noCache    {@code no_cache: true}: build without the engine's cache
 */
record ServiceBuild(String service,
                    @CheckForNull String image,
                    String context,
                    @CheckForNull String dockerfile,
                    Map<String, String> args,
                    @CheckForNull String target,
                    Map<String, String> labels,
                    List<String> cacheFrom,
                    boolean pull,
                    boolean noCache) {
}
