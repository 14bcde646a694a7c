package io.jenkins.plugins.slipway.runner.compose;

import java.util.List;

/** A Compose file that passed validation, with the keys the runner ignored (as "path: reason"). */
public record ParsedCompose(AppSpec spec, List<String> warnings) {
    public ParsedCompose {
        warnings = List.copyOf(warnings);
    }
}
