package io.tether.netns;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short administrative commands (ip ...) with a time bound, so a hung command cannot hang a test run. */
final class Commands {
    private static final long TIMEOUT_SECONDS = 30;

    private Commands() {
    }

    static CommandResult run(final List<String> command) throws IOException, InterruptedException {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        final byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out after " + TIMEOUT_SECONDS + " s: " + String.join(" ", command));
        }
        return new CommandResult(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    /** Runs the command and fails with its output if it exits non-zero. */
    static String require(final List<String> command) throws IOException, InterruptedException {
        final CommandResult result = run(command);
        if (result.exitCode() != 0) {
            throw new IOException("'" + String.join(" ", command) + "' failed (" + result.exitCode() + "): "
                    + result.output().strip());
        }
        return result.output();
    }
}
