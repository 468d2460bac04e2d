package io.tether.netns;

/** Exit code and combined stdout/stderr of a finished command. */
public record CommandResult(int exitCode, String output) {
}
