package io.tether.collector.probe;

import io.tether.schemas.event.AccessMode;

/**
 * The access mode of an open, from its open(2) flags (Linux x86-64 values), per DESIGN.md §1: any of O_WRONLY,
 * O_RDWR, O_CREAT, O_TRUNC, O_APPEND makes it a WRITE. The /proc scanner applies the same rule to fdinfo flags.
 */
public final class OpenFlags {
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    private static final int WRITE_FLAGS = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND;

    private OpenFlags() {
    }

    public static AccessMode accessMode(final int flags) {
        return (flags & WRITE_FLAGS) != 0 ? AccessMode.WRITE : AccessMode.READ;
    }
}
