package io.tether.streams.query;

/**
 * The instance-to-instance endpoints a query is forwarded to. They read only the receiving instance's own stores and
 * never forward again, so a forwarded query cannot loop.
 */
public final class InternalPaths {

    /** {@code ?key=<ap>&partition=<p>[&asOf=<ISO-8601>]} → 200 text/plain componentId, 404, or 503. */
    public static final String COMPONENT = "/internal/v1/ap-index";
    /** {@code ?key=<componentId>&partition=<p>[&asOf=...]} → 200 Avro single-object encoded MigrationSet, 404, or 503. */
    public static final String MIGRATION_SET = "/internal/v1/migration-sets";
    /** → 200 JSON array of {@link ApEntry} of the instance's active partitions, or 503. */
    public static final String ACTIVE_APS = "/internal/v1/aps";

    public static final String KEY = "key";
    public static final String PARTITION = "partition";
    public static final String AS_OF = "asOf";

    private InternalPaths() {
    }
}
