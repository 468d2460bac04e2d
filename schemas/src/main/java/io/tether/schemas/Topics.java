package io.tether.schemas;

/**
 * Default names of Tether's topics (DESIGN.md §3). Every name is configurable; these are the defaults
 * that collectors, the streams app and the CLI agree on when nothing else is configured.
 */
public final class Topics {
    public static final String EXEC = "tether.exec";
    public static final String FORK = "tether.fork";
    public static final String EXIT = "tether.exit";
    public static final String OPEN = "tether.open";
    public static final String CONNECT = "tether.connect";
    public static final String ACCEPT = "tether.accept";
    public static final String MIGRATION_SETS = "tether.migration-sets";
    public static final String DLQ = "tether.dlq";
    /** Schema registry storage topic, as Confluent's registry names it. */
    public static final String SCHEMAS = "_schemas";

    private Topics() {
    }
}
