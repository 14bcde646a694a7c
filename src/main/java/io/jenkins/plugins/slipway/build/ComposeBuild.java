package io.jenkins.plugins.slipway.build;

import hudson.AbortException;
import hudson.FilePath;
import io.jenkins.plugins.slipway.docker.ImageName;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code slipwayBuild compose: 'compose.yml'}: builds every service with a {@code build:} section, one after
 * another, each log line prefixed with {@code [service]}. A service's image goes under {@code repository:}
 * when the step gives it ({@code repository/service}), else under the repository of its {@code image:}. The
 * step's {@code tags}, {@code buildArgs}, {@code labels}, {@code pull} and {@code noCache} apply to every
 * service, over what the file says. Everything is checked before the first build starts.
 */
final class ComposeBuild {
    private final SlipwayBuildStep step;
    private final BuildStepExecution.Builder builder;

    ComposeBuild(SlipwayBuildStep step, BuildStepExecution.Builder builder) {
        this.step = step;
        this.builder = builder;
    }

    /** Builds the services in file order; returns {@code [service: [id:, image:, tags:, references:]]}. */
    Map<String, Object> run() throws Exception {
        String composePath = step.getCompose();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<String, Object> arg : singleImageArguments().entrySet()) {
            if (arg.getValue() != null) {
                refused.add(arg.getKey());
            }
        }
        if (!refused.isEmpty()) {
            throw new AbortException("slipwayBuild: " + String.join(", ", refused) + " cannot be given with compose: "
                    + "(each service's build section says it); nothing was built");
        }
        FilePath workspace = builder.workspace();
        FilePath file = workspace.child(composePath);
        if (!file.exists()) {
            throw new AbortException("slipwayBuild: compose file '" + composePath + "' not found in the workspace "
                    + workspace.getRemote() + "; nothing was built");
        }
        ComposeBuildSections.Parsed parsed = ComposeBuildSections.parse(file.readToString(), composePath, builder.env());
        PrintStream log = builder.listener().getLogger();
        for (String note : parsed.notes()) {
            log.println("[slipwayBuild] " + note);
        }
        Map<String, ImageName> images = new LinkedHashMap<>();
        List<String> tags = new ArrayList<>(step.getTags());
        for (ServiceBuild build : parsed.builds()) {
            images.put(build.service(), imageOf(build, composePath));
        }
        List<String> order = new ArrayList<>(images.keySet());
        log.println("[slipwayBuild] Building " + order.size() + " services of " + composePath + " one after another: "
                + String.join(", ", order));
        Map<String, Object> result = new LinkedHashMap<>();
        for (ServiceBuild build : parsed.builds()) {
            String prefix = "[" + build.service() + "] ";
            Map<String, String> args = new LinkedHashMap<>(build.args());
            args.putAll(step.getBuildArgs());
            Map<String, String> labels = new LinkedHashMap<>(build.labels());
            labels.putAll(step.getLabels());
            List<String> serviceTags = tags.isEmpty() ? tagOf(build) : tags;
            try {
                result.put(build.service(), builder.build(images.get(build.service()), serviceTags,
                        new BuildStepExecution.Builder.Sources(build.context(), build.dockerfile(), args, build.target(),
                                labels, build.cacheFrom(), build.pull() || step.isPull(), build.noCache() || step.isNoCache()),
                        prefix));
            } catch (AbortException e) {
                throw new AbortException("slipwayBuild: service '" + build.service() + "' of " + composePath + ": "
                        + e.getMessage().replaceFirst("^slipwayBuild: ", "")
                        + (result.isEmpty() ? "" : " (built before it: " + String.join(", ", result.keySet()) + ")"));
            }
        }
        return result;
    }

    private Map<String, Object> singleImageArguments() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("image:", step.getImage());
        args.put("context:", step.getContext());
        args.put("dockerfile:", step.getDockerfile());
        args.put("target:", step.getTarget());
        return args;
    }

    private ImageName imageOf(ServiceBuild build, String composePath) throws AbortException {
        String where = composePath + " services." + build.service();
        if (step.getRepository() != null) {
            return parse(step.getRepository() + "/" + build.service(), "repository: '" + step.getRepository() + "' for " + where);
        }
        if (build.image() == null) {
            throw new AbortException("slipwayBuild: " + where + " has a build section but no image: to name what is built; "
                    + "add image: to the service or give the step repository: (a prefix, e.g. '127.0.0.1:5000/shop'); "
                    + "nothing was built");
        }
        return parse(repositoryPart(build.image()), where + ".image");
    }

    private static ImageName parse(String repository, String where) throws AbortException {
        try {
            return ImageName.parse(repository);
        } catch (IllegalArgumentException e) {
            throw new AbortException("slipwayBuild: " + where + ": " + e.getMessage() + "; nothing was built");
        }
    }

    /** The tag of the service's {@code image:}, or none (the build number then). */
    private static List<String> tagOf(ServiceBuild build) {
        String image = build.image();
        if (image == null) {
            return List.of();
        }
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? List.of(image.substring(colon + 1)) : List.of();
    }

    private static String repositoryPart(String image) {
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') && !image.contains("@") ? image.substring(0, colon) : image;
    }
}
