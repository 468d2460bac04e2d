package io.tether.collector.probe;

import io.tether.collector.probe.internals.RingLayout;

import java.time.Duration;

/**
 * Size and patience of a probe channel.
 *
 * @param slotSize        bytes per record slot, a power of two in [256, 65536]; a record that does not fit (a very long
 *                        path or command line) is cut and counted as truncated
 * @param slotCount       records the ring holds before probes start dropping, a power of two
 * @param abandonTimeout  how long the reader waits for a reserved slot to be committed before it skips it as abandoned
 *                        (a writer killed between reserving and committing would otherwise stop the ring)
 */
public record ProbeChannelConfig(int slotSize, int slotCount, Duration abandonTimeout) {
    /** 1 KiB slots, 16384 of them: a 16 MiB file holds a few seconds of a very busy host's calls. */
    public static final ProbeChannelConfig DEFAULT = new ProbeChannelConfig(1024, 16384, Duration.ofSeconds(2));

    public ProbeChannelConfig {
        if (slotSize < RingLayout.MIN_SLOT_SIZE || slotSize > RingLayout.MAX_SLOT_SIZE || Integer.bitCount(slotSize) != 1) {
            throw new IllegalArgumentException("probe channel slot size must be a power of two between "
                    + RingLayout.MIN_SLOT_SIZE + " and " + RingLayout.MAX_SLOT_SIZE + ", got " + slotSize);
        }
        if (slotCount < 2 || Integer.bitCount(slotCount) != 1) {
            throw new IllegalArgumentException("probe channel slot count must be a power of two >= 2, got " + slotCount);
        }
        if (RingLayout.fileSize(slotSize, slotCount) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("probe channel of " + slotCount + " slots of " + slotSize
                    + " bytes exceeds 2 GiB");
        }
        if (abandonTimeout == null || abandonTimeout.isNegative() || abandonTimeout.isZero()) {
            throw new IllegalArgumentException("probe channel abandon timeout must be positive, got " + abandonTimeout);
        }
    }

    public ProbeChannelConfig withSlots(final int slotSize, final int slotCount) {
        return new ProbeChannelConfig(slotSize, slotCount, abandonTimeout);
    }
}
