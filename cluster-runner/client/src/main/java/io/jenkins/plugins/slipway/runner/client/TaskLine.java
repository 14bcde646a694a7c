package io.jenkins.plugins.slipway.runner.client;

/**
 * One line a task wrote, as {@code GET /api/v1/tasks/{id}/logs} streams it ({@code event: line}).
 *
 * @param id     sequence number from 1, the event id a reader resumes after ({@code Last-Event-ID})
 * @param stream {@code stdout} or {@code stderr}
 * @param text   the line without its line break
 */
public record TaskLine(long id, String stream, String text) {
}
