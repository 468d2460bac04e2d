package io.tether.streams.topology.internals;

import io.tether.schemas.event.CaptureSource;
import java.util.ArrayList;
import java.util.List;

/** Sets of {@link CaptureSource} as bit masks: an AP's sources are the union over all its evidence. */
final class Sources {
    private Sources() {
    }

    static int mask(final CaptureSource source) {
        return source == null ? 0 : 1 << source.ordinal();
    }

    /** The sources in the mask, in enum order (deterministic output). */
    static List<CaptureSource> list(final int mask) {
        final CaptureSource[] all = CaptureSource.values();
        final List<CaptureSource> out = new ArrayList<>(Integer.bitCount(mask));
        for (int i = 0; i < all.length; i++) {
            if ((mask & (1 << i)) != 0) {
                out.add(all[i]);
            }
        }
        return out;
    }
}
