package io.jenkins.plugins.slipway.runner.client;

/** Where a release stands. The last four are terminal: a terminal release never changes again. */
public enum Phase {
    Pending, Progressing, Paused, Succeeded, Failed, RolledBack, Aborted;

    public boolean isTerminal() {
        return this == Succeeded || this == Failed || this == RolledBack || this == Aborted;
    }
}
