package io.tether.collector.probe;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessStartTimeTest {
    @Test
    void parsesFieldsAfterACommandNameWithSpacesAndParentheses() {
        final String stat = "4242 (my (odd) name) S 17 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
                + "123456 1000000 100 18446744073709551615";
        assertEquals(OptionalLong.of(123456), ProcessStartTime.startTicks(stat));
        assertEquals(OptionalLong.of(17), ProcessStartTime.parentPid(stat));
        assertTrue(ProcessStartTime.startTicks("garbage").isEmpty());
        assertTrue(ProcessStartTime.startTicks("1 (x) S 2").isEmpty());
    }

    @Test
    void convertsTicksSinceBootToEpochMicros() {
        assertEquals(1_700_000_000_000_000L + 1_234_560_000L,
                ProcessStartTime.epochMicros(1_700_000_000L, 123_456L));
    }

    @Test
    void theJvmStartedAfterBootAndBeforeNow() throws Exception {
        final ProcessStartTime boot = ProcessStartTime.ofThisBoot();
        final String stat = Files.readString(Path.of("/proc/self/stat"));
        final long micros = boot.epochMicros(ProcessStartTime.startTicks(stat).orElseThrow());
        final long jvmStart = ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli() * 1000;
        // both come from the same kernel counters; ProcessHandle rounds to the tick as well
        assertTrue(Math.abs(micros - jvmStart) <= 1_000_000, micros + " vs " + jvmStart);
        assertTrue(micros < Instant.now().toEpochMilli() * 1000);
    }
}
