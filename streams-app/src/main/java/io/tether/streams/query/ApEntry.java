package io.tether.streams.query;

import io.tether.schemas.identity.ApId;

/** One known AP and the component (migration set) it belongs to, as {@code GET /api/v1/aps} lists it. */
public record ApEntry(String ap, String host, String program, String componentId) {

    public static ApEntry of(final String ap, final String componentId) {
        try {
            final ApId id = ApId.parse(ap);
            return new ApEntry(ap, id.hostId(), id.program(), componentId);
        } catch (final IllegalArgumentException e) {
            // a key written by another producer than the topology: list it as it is rather than hide it
            return new ApEntry(ap, null, null, componentId);
        }
    }
}
