package io.tether.streams.topology;

/**
 * Names of the state stores that {@link MigrationSetTopology} materialises for interactive queries. They are part
 * of the contract with the query layer, and changing one renames a changelog topic, so they are fixed here.
 */
public final class StoreNames {
    /**
     * Versioned: componentId → {@link io.tether.schemas.model.MigrationSet}, the latest set of each component and
     * the set as of a time (history retention = the evidence window). Its changelog is the output topic itself.
     * (A plain "migration-sets" store existed beside it until the output topic became its changelog.)
     */
    public static final String MIGRATION_SETS_HISTORY = "migration-sets-history";
    /** {@code program@hostId} → componentId of the AP's set, for every AP in the graph (lists the known APs). */
    public static final String AP_INDEX = "ap-index";
    /** Versioned: ap → componentId as of a time; history retention = the evidence window. */
    public static final String AP_INDEX_HISTORY = "ap-index-history";

    /**
     * Versioned PID → program table, keyed {@code hostId|pid} like the input topics but partitioned by host (it
     * lives in the task of its host's events, so query it across partitions).
     */
    public static final String PROCESS_TABLE = "process-table";
    /** Forks whose parent's program was not known yet, waiting for the parent's exec. */
    public static final String PENDING_FORKS = "process-pending-forks";
    /** open/connect/accept events whose process instance is not known yet, waiting for its exec or fork. */
    public static final String PENDING_EVENTS = "attribution-pending";
    /**
     * Per AP, file and mode: what was last passed on to the graph, and the repeats not passed on yet ("-v2": the
     * record became a few numbers; the first format's changelog, {@code file-evidence-coalesced}, is not read).
     */
    public static final String FILE_EVIDENCE_COALESCED = "file-evidence-coalesced-v2";
    /** Every live piece of coupling evidence (the coupling graph's source of truth, rebuilt into memory on start). */
    public static final String GRAPH_EVIDENCE = "graph-evidence";
    /** The ap → componentId assignment last emitted, so that restarts tombstone ids that vanished meanwhile. */
    public static final String GRAPH_EMITTED_INDEX = "graph-emitted-index";

    private StoreNames() {
    }
}
