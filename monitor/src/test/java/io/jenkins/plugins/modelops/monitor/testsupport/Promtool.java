package io.jenkins.plugins.modelops.monitor.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's promtool (package prometheus), run as a process: the real checker of rule files. */
public final class Promtool {

    /** Its exit code and everything it printed. */
    public record Run(int exitCode, String output) {
    }

    private Promtool() {
    }

    public static Run run(Path workingDirectory, String... arguments) throws IOException, InterruptedException {
        return exec(binary(), workingDirectory, arguments);
    }

    /** Any of the Prometheus tools (amtool too), run to its end in {@code workingDirectory}. */
    static Run exec(String binary, Path workingDirectory, String... arguments) throws IOException,
            InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary);
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(binary + " did not finish in 60 s: " + output);
        }
        return new Run(process.exitValue(), output);
    }

    private static String binary() {
        return LocalServer.binary("promtool", "prometheus", "/usr/bin/promtool", "/usr/local/bin/promtool");
    }
}
