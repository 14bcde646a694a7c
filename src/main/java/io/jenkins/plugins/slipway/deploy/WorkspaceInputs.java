package io.jenkins.plugins.slipway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import io.jenkins.plugins.slipway.config.CredentialLookup;
import io.jenkins.plugins.slipway.runner.client.ComposeInputs;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The values a Compose file's secrets, configs and env files need, read as {@code slipwayDeploy} runs: files from
 * the workspace (on the agent that holds it, relative to the Compose file), variables from the build's
 * environment, and Jenkins credentials through the build, with its permissions. Values go into the deploy request
 * and nowhere else: the build log names them only.
 */
final class WorkspaceInputs implements ComposeInputs.Sources {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final FilePath workspace;
    private final String composeDir;
    private final EnvVars env;
    private final Run<?, ?> run;

    private WorkspaceInputs(FilePath workspace, String composePath, EnvVars env, Run<?, ?> run) {
        this.workspace = workspace;
        int slash = composePath.replace('\\', '/').lastIndexOf('/');
        this.composeDir = slash < 0 ? "" : composePath.substring(0, slash + 1);
        this.env = env;
        this.run = run;
    }

    /**
     * Reads what {@code composeText} asks for; a file that is not YAML asks for nothing (the runner's answer
     * then says what is wrong with it).
     */
    static ComposeInputs.Values read(String composeText, FilePath workspace, String composePath, EnvVars env,
                                     Run<?, ?> run) throws IOException {
        JsonNode tree;
        try {
            tree = YAML.readTree(composeText);
        } catch (IOException | RuntimeException notYaml) {
            return ComposeInputs.Values.NONE;
        }
        try {
            return ComposeInputs.read(tree, new WorkspaceInputs(workspace, composePath, env, run));
        } catch (AbortException e) {
            throw e;
        } catch (IOException e) {
            throw new AbortException("slipwayDeploy: " + composePath + ": " + e.getMessage());
        }
    }

    /** For the build log: the names of what goes with the deploy. */
    static String describe(ComposeInputs.Values values) {
        List<String> parts = new ArrayList<>();
        if (!values.secrets().isEmpty()) {
            parts.add("secrets " + values.secrets().keySet());
        }
        if (!values.configs().isEmpty()) {
            parts.add("configs " + values.configs().keySet());
        }
        if (!values.envFiles().isEmpty()) {
            parts.add("env files " + values.envFiles().keySet());
        }
        return parts.isEmpty() ? "" : ", with " + String.join(", ", parts);
    }

    @Override
    public byte[] file(String path) throws IOException {
        FilePath file = workspace.child(path.startsWith("/") ? path : composeDir + path);
        try {
            if (!file.exists()) {
                throw new FileNotFoundException(file.getRemote());
            }
            try (InputStream in = file.read()) {
                return in.readAllBytes();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + path, e);
        }
    }

    @Override
    public String environment(String name) {
        return env == null ? null : env.get(name);
    }

    @Override
    public byte[] credential(String id, String where) throws IOException {
        try {
            return CredentialLookup.secretValue(id, run);
        } catch (AbortException e) {
            throw new AbortException("slipwayDeploy: " + where + ": " + e.getMessage());
        }
    }
}
