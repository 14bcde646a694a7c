package io.jenkins.plugins.slipway.build;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Dockerfile the way the engine counts it, so an error can name the instruction and its line:
 * the engine reports "Step 3/5 : RUN ..." for a failing step and "dockerfile parse error line 4: ..."
 * for a syntax error.
 */
final class Dockerfiles {
    private static final Pattern PARSE_ERROR = Pattern.compile("(?i)dockerfile parse error (?:on )?line (\\d+): (.*)");
    private static final Pattern STEP = Pattern.compile("^Step (\\d+)/(\\d+) : (.*)$");

    /** One instruction: the 1-based line it starts on and its text (continuations joined). */
    record Instruction(int line, String text) {
        String keyword() {
            int space = text.indexOf(' ');
            return (space < 0 ? text : text.substring(0, space)).toUpperCase(java.util.Locale.ROOT);
        }
    }

    private Dockerfiles() {
    }

    static List<Instruction> instructions(String dockerfile) {
        List<Instruction> result = new ArrayList<>();
        String[] lines = dockerfile.split("\r?\n", -1);
        StringBuilder current = null;
        int start = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.trim();
            if (current == null) {
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                current = new StringBuilder();
                start = i + 1;
            } else if (trimmed.startsWith("#")) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed.substring(0, trimmed.length() - 1).trim()).append(' ');
            } else {
                current.append(trimmed);
                result.add(new Instruction(start, current.toString().trim()));
                current = null;
            }
        }
        if (current != null) {
            result.add(new Instruction(start, current.toString().trim()));
        }
        return result;
    }

    /** The step number in an engine "Step N/M : ..." line, or -1. */
    static int stepNumber(String line) {
        Matcher m = STEP.matcher(line.trim());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /**
     * The message a failed build ends the step with: "Dockerfile:LINE: INSTRUCTION failed: ENGINE MESSAGE",
     * or "Dockerfile:LINE: ENGINE MESSAGE" for a syntax error, or the engine's message alone when the line
     * cannot be known.
     */
    static String describeFailure(String dockerfileName, String dockerfileText, int lastStep, String engineMessage) {
        String message = engineMessage == null ? "unknown error" : engineMessage.trim();
        Matcher parse = PARSE_ERROR.matcher(message);
        if (parse.find()) {
            int line = Integer.parseInt(parse.group(1));
            String text = lineText(dockerfileText, line);
            return dockerfileName + ":" + line + ": syntax error: " + parse.group(2).trim()
                    + (text == null ? "" : " (in '" + text + "')");
        }
        List<Instruction> instructions = dockerfileText == null ? List.of() : instructions(dockerfileText);
        if (lastStep >= 1 && lastStep <= instructions.size()) {
            Instruction failed = instructions.get(lastStep - 1);
            return dockerfileName + ":" + failed.line() + ": " + failed.keyword() + " failed ('" + failed.text() + "'): " + message;
        }
        return dockerfileName + ": build failed: " + message;
    }

    private static String lineText(String text, int line) {
        if (text == null) {
            return null;
        }
        String[] lines = text.split("\r?\n", -1);
        return line >= 1 && line <= lines.length ? lines[line - 1].trim() : null;
    }
}
