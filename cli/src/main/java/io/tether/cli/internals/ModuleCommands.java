package io.tether.cli.internals;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * The sub-commands that other modules own (DESIGN.md §3: each module owns its commands, {@code cli} aggregates them).
 * They are looked up by class name so that the launcher still starts, and says plainly what is missing, in a build
 * where a module has not landed yet: such a command answers with a one-line explanation and exit code 3 instead of
 * pretending to work.
 */
public final class ModuleCommands {
    /** name, owning module, candidate class names (first one found wins). */
    private record Entry(String name, String module, List<String> classNames) {
    }

    private static final List<Entry> ENTRIES = List.of(
            new Entry("streams", "streams-app", List.of("io.tether.streams.cli.StreamsCommand", "io.tether.streams.app.StreamsCommand")));

    private ModuleCommands() {
    }

    public static void register(final CommandLine parent) {
        for (final Entry entry : ENTRIES) {
            final Object command = instantiate(entry);
            if (command != null) {
                parent.addSubcommand(entry.name(), command);
            } else {
                parent.addSubcommand(entry.name(), new Unavailable(entry.name(), entry.module()));
            }
        }
    }

    private static Object instantiate(final Entry entry) {
        for (final String className : entry.classNames()) {
            final Class<?> type;
            try {
                type = Class.forName(className, false, ModuleCommands.class.getClassLoader());
            } catch (final ClassNotFoundException e) {
                continue;
            }
            try {
                return type.getDeclaredConstructor().newInstance();
            } catch (final ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create sub-command " + entry.name() + " from " + className, e);
            }
        }
        return null;
    }

    /** Stands in for a sub-command whose module is not in this build. */
    @Command(description = "(not available in this build)", hidden = false)
    static final class Unavailable implements Callable<Integer> {
        private final String name;
        private final String module;

        @Unmatched
        private List<String> ignored;

        Unavailable(final String name, final String module) {
            this.name = name;
            this.module = module;
        }

        @Override
        public Integer call() {
            System.err.println("tether: '" + name + "' is not available in this build: module '" + module
                    + "' does not provide it yet");
            return 3;
        }
    }
}
