package io.tether.collector.probe.internals;

/**
 * Byte layout of the probe's shared-memory ring file, the Java twin of {@code collector/src/main/c/tether_ring.h}
 * (which documents the protocol in full). Change both together and bump {@link #VERSION}: a probe refuses a file
 * whose magic or version it does not know, so a mismatch costs events, never a crash.
 */
public final class RingLayout {
    /** "TETHRING" read as a little-endian long. */
    public static final long MAGIC = 0x474E495248544554L;
    public static final int VERSION = 2;

    public static final int HEADER_SIZE = 4096;
    public static final int OFF_MAGIC = 0;
    public static final int OFF_VERSION = 8;
    public static final int OFF_HEADER_SIZE = 12;
    public static final int OFF_SLOT_SIZE = 16;
    public static final int OFF_SLOT_COUNT = 20;
    public static final int OFF_CREATED_MICROS = 24;
    public static final int OFF_HOST_ID = 32;
    public static final int HOST_ID_BYTES = 64;
    /** Writers CAS this to reserve a position; own cache line. */
    public static final int OFF_WRITE_CURSOR = 128;
    /** Records probes could not write (ring full); own cache line. */
    public static final int OFF_DROPPED = 192;
    /**
     * First position whose record is not yet kept (spooled) by the collector: a restarted collector resumes here,
     * re-reading what its predecessor had read but not kept and skipping freed slots. Own cache line.
     */
    public static final int OFF_READ_CURSOR = 256;
    /**
     * Identities the collector resolved itself: 128 entries of {u64 tag = pid &lt;&lt; 32 | (u32)(EXEC position + 1),
     * u64 start ticks}, entry pid &amp; 127. A probe that finds its tag skips reading /proc/self before it exits.
     */
    public static final int OFF_ACKS = 2048;
    public static final int ACKS = 128;
    public static final int ACK_SIZE = 16;

    public static final int MIN_SLOT_SIZE = 256;
    public static final int MAX_SLOT_SIZE = 65536;

    // slot header
    public static final int SLOT_HEADER_SIZE = 48;
    public static final int SLOT_COMMIT = 0;
    public static final int SLOT_TYPE = 8;
    public static final int SLOT_FLAGS = 10;
    public static final int SLOT_LENGTH = 12;
    public static final int SLOT_PID = 16;
    public static final int SLOT_PPID = 20;
    public static final int SLOT_UID = 24;
    public static final int SLOT_TID = 28;
    public static final int SLOT_START_TICKS = 32;
    public static final int SLOT_TIME_MICROS = 40;

    // record types
    public static final int REC_EXEC = 1;
    public static final int REC_FORK = 2;
    public static final int REC_EXIT = 3;
    public static final int REC_OPEN = 4;
    public static final int REC_CONNECT = 5;
    public static final int REC_ACCEPT = 6;
    /** start ticks (slot header) and exe of a process whose earlier records deferred them; not an event itself */
    public static final int REC_IDENTITY = 7;

    // flags
    public static final int FLAG_TRUNCATED = 0x1;
    public static final int FLAG_EXIT_CODE_UNKNOWN = 0x2;
    /** the record's start ticks (and an EXEC's exe) are left to the collector: 0 / empty in the slot */
    public static final int FLAG_IDENTITY_DEFERRED = 0x4;
    /**
     * Set by the collector, never by a probe: it resolved the deferred identity of this EXEC record while the process
     * lived and wrote it into the slot (start ticks in the slot header, then u32 exe_len and the exe after the body),
     * so that a collector reading the record again after a hard kill can attribute it even once the process is gone.
     */
    public static final int FLAG_RESOLVED = 0x8;

    // bodies (offsets relative to the body start)
    public static final int EXEC_FIXED = 20; // argc, argv_count, exe_len, cwd_len, argv_len
    public static final int FORK_SIZE = 16;  // parent_pid, pad, parent_start_ticks
    public static final int EXIT_SIZE = 8;   // code, kind
    public static final int IDENTITY_FIXED = 8; // exe_len, pad
    public static final int OPEN_FIXED = 16; // flags, result, path_len, pad
    public static final int ADDR_SIZE = 24;  // family u16, port u16, path_len u16, pad u16, ip[16]
    public static final int SOCKET_FIXED = 56; // error i32, protocol u16, pad u16, local addr, remote addr

    public static final int AF_UNIX = 1;
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    private RingLayout() {
    }

    public static long fileSize(final int slotSize, final int slotCount) {
        return HEADER_SIZE + (long) slotSize * slotCount;
    }
}
