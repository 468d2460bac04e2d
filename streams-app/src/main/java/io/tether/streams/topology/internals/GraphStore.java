package io.tether.streams.topology.internals;

/**
 * Where the coupling graph persists what it needs to be rebuilt after a restart or fail-over: every live evidence
 * item and the AP → component assignment it last emitted. In the topology these are changelogged state stores.
 */
public interface GraphStore {
    void putEvidence(String key, GraphEvent evidence);

    void deleteEvidence(String key);

    void putEmitted(String ap, String componentId);

    void deleteEmitted(String ap);

    /** Keeps nothing: for benchmarks of the graph alone. */
    GraphStore NONE = new GraphStore() {
        @Override
        public void putEvidence(final String key, final GraphEvent evidence) {
        }

        @Override
        public void deleteEvidence(final String key) {
        }

        @Override
        public void putEmitted(final String ap, final String componentId) {
        }

        @Override
        public void deleteEmitted(final String ap) {
        }
    };
}
