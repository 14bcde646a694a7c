package io.jenkins.plugins.slipway.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DockerfilesTest {
    private static final String DOCKERFILE = String.join("\n",
            "# syntax comment",
            "FROM scratch AS base",
            "",
            "COPY busybox /bin/sh",
            "RUN echo one \\",
            "    # a comment inside a continuation",
            "    && exit 3",
            "ENV A=b",
            "");

    @Test
    void countsInstructionsAsTheEngineDoes() {
        List<Dockerfiles.Instruction> instructions = Dockerfiles.instructions(DOCKERFILE);
        assertThat(instructions).extracting(Dockerfiles.Instruction::line).containsExactly(2, 4, 5, 8);
        assertThat(instructions.get(2).text()).isEqualTo("RUN echo one && exit 3");
        assertThat(instructions.get(2).keyword()).isEqualTo("RUN");
    }

    @Test
    void failedStepIsNamedByLineAndInstruction() {
        String message = Dockerfiles.describeFailure("app/Dockerfile", DOCKERFILE, 3,
                "The command '/bin/sh -c echo one && exit 3' returned a non-zero code: 3");
        assertThat(message).isEqualTo("app/Dockerfile:5: RUN failed ('RUN echo one && exit 3'): "
                + "The command '/bin/sh -c echo one && exit 3' returned a non-zero code: 3");
    }

    @Test
    void syntaxErrorIsNamedByTheEngineLine() {
        String message = Dockerfiles.describeFailure("Dockerfile", "FROM scratch\nFORM x\n", -1,
                "dockerfile parse error line 2: unknown instruction: FORM");
        assertThat(message).isEqualTo("Dockerfile:2: syntax error: unknown instruction: FORM (in 'FORM x')");
    }

    @Test
    void unknownStepKeepsTheEngineMessage() {
        assertThat(Dockerfiles.describeFailure("Dockerfile", "FROM scratch\n", -1, "no space left on device"))
                .isEqualTo("Dockerfile: build failed: no space left on device");
    }

    @Test
    void readsStepNumbers() {
        assertThat(Dockerfiles.stepNumber("Step 3/5 : RUN x")).isEqualTo(3);
        assertThat(Dockerfiles.stepNumber(" ---> Running in abc")).isEqualTo(-1);
    }
}
