package io.tether.collector.probe.internals;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The mapped ring file (layout in {@link RingLayout}) and the atomic accesses the protocol needs. Probes in other
 * processes write the same memory concurrently, so every shared word is read with acquire and written with release
 * or CAS semantics through a byte-buffer view VarHandle (aligned 8-byte accesses on a direct buffer are atomic).
 */
public final class RingFile implements AutoCloseable {
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MappedByteBuffer buffer;
    private final int slotSize;
    private final int slotCount;
    private final boolean resumed;
    private final FileChannel lockChannel;

    private RingFile(final Path path, final MappedByteBuffer buffer, final boolean resumed,
                     final FileChannel lockChannel) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.buffer = buffer;
        this.slotSize = buffer.getInt(RingLayout.OFF_SLOT_SIZE);
        this.slotCount = buffer.getInt(RingLayout.OFF_SLOT_COUNT);
        this.resumed = resumed;
    }

    /**
     * Maps the ring at {@code path}. An existing file with this layout version and geometry is resumed (a restarted
     * collector goes on reading where the last one stopped, and probes that mapped it keep working); anything else is
     * replaced by a fresh file built aside and renamed into place, never rewritten in place, since shrinking a file
     * that probes have mapped would crash them.
     */
    public static RingFile openOrCreate(final Path path, final String hostId, final int slotSize, final int slotCount)
            throws IOException {
        final Path absolute = path.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        final FileChannel lock = lockReader(absolute);
        try {
            return openOrCreateLocked(absolute, hostId, slotSize, slotCount, lock);
        } catch (final IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * One reader per ring: two would each free slots the other has not read. The lock is on a side file, taken
     * before the ring is inspected or replaced, and released by {@link #close()} (or by the process ending).
     */
    private static FileChannel lockReader(final Path ring) throws IOException {
        final Path lockFile = ring.resolveSibling(ring.getFileName() + ".lock");
        final FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            if (ch.tryLock() != null) {
                return ch;
            }
        } catch (final OverlappingFileLockException e) {
            // held by this JVM
        }
        ch.close();
        throw new IOException("probe channel " + ring + " is already being read by another collector (" + lockFile
                + " is locked)");
    }

    private static RingFile openOrCreateLocked(final Path absolute, final String hostId, final int slotSize,
                                               final int slotCount, final FileChannel lock) throws IOException {
        if (Files.isRegularFile(absolute) && Files.size(absolute) == RingLayout.fileSize(slotSize, slotCount)) {
            final MappedByteBuffer existing = map(absolute);
            if (existing.getLong(RingLayout.OFF_MAGIC) == RingLayout.MAGIC
                    && existing.getInt(RingLayout.OFF_VERSION) == RingLayout.VERSION
                    && existing.getInt(RingLayout.OFF_HEADER_SIZE) == RingLayout.HEADER_SIZE
                    && existing.getInt(RingLayout.OFF_SLOT_SIZE) == slotSize
                    && existing.getInt(RingLayout.OFF_SLOT_COUNT) == slotCount) {
                return new RingFile(absolute, existing, true, lock);
            }
        }
        final Path dir = absolute.getParent();
        final Path tmp = dir.resolve(absolute.getFileName() + ".tmp-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                ch.truncate(0);
                ch.position(RingLayout.fileSize(slotSize, slotCount) - 1);
                ch.write(java.nio.ByteBuffer.wrap(new byte[1]));
            }
            // probes run as any user: they all need to write their records
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-rw-rw-"));
            final MappedByteBuffer fresh = map(tmp);
            initialise(fresh, hostId, slotSize, slotCount);
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (final AtomicMoveNotSupportedException e) {
                Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            return new RingFile(absolute, fresh, false, lock);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static MappedByteBuffer map(final Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            final MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, ch.size());
            b.order(ByteOrder.LITTLE_ENDIAN);
            return b;
        }
    }

    private static void initialise(final MappedByteBuffer b, final String hostId, final int slotSize,
                                   final int slotCount) {
        b.putInt(RingLayout.OFF_VERSION, RingLayout.VERSION);
        b.putInt(RingLayout.OFF_HEADER_SIZE, RingLayout.HEADER_SIZE);
        b.putInt(RingLayout.OFF_SLOT_SIZE, slotSize);
        b.putInt(RingLayout.OFF_SLOT_COUNT, slotCount);
        final long createdMillis = System.currentTimeMillis();
        b.putLong(RingLayout.OFF_CREATED_MICROS, createdMillis * 1000L);
        final byte[] host = hostId.getBytes(StandardCharsets.UTF_8);
        b.put(RingLayout.OFF_HOST_ID, host, 0, Math.min(host.length, RingLayout.HOST_ID_BYTES - 1));
        final long first = firstPosition(createdMillis, slotCount);
        for (long pos = first; pos < first + slotCount; pos++) {
            b.putLong(slotOffset(pos, slotSize, slotCount - 1), pos);
        }
        b.putLong(RingLayout.OFF_WRITE_CURSOR, first);
        b.putLong(RingLayout.OFF_READ_CURSOR, first);
        // the magic last: a header with a magic is a complete header
        LONG.setRelease(b, RingLayout.OFF_MAGIC, RingLayout.MAGIC);
    }

    /**
     * Where a new ring's positions start: its creation time in ms shifted left by 20 (aligned to the slot count), so
     * that a position names one record of the host for good — across collector restarts, which resume the file, and
     * across files, since a new file starts past every position an earlier one reached unless that one wrote more
     * than 2^20 records per millisecond of its life. Events carry the position as {@code probeSequence}.
     */
    static long firstPosition(final long createdMillis, final int slotCount) {
        return (createdMillis << 20) & -(long) slotCount;
    }

    private static int slotOffset(final long pos, final int slotSize, final long mask) {
        return RingLayout.HEADER_SIZE + (int) (pos & mask) * slotSize;
    }

    public Path path() {
        return path;
    }

    public boolean resumed() {
        return resumed;
    }

    public int slotSize() {
        return slotSize;
    }

    public int slotCount() {
        return slotCount;
    }

    public int slotOffset(final long pos) {
        return slotOffset(pos, slotSize, slotCount - 1);
    }

    public long commitAcquire(final long pos) {
        return (long) LONG.getAcquire(buffer, slotOffset(pos));
    }

    /**
     * Frees the committed slot of {@code pos} for the writer of the next lap; false if it was freed already (a CAS,
     * not a store: the sender thread and the reader may both free a slot, and by the second time a writer of the
     * next lap may have committed into it).
     */
    public boolean release(final long pos) {
        return LONG.compareAndSet(buffer, slotOffset(pos), pos + 1, pos + slotCount);
    }

    /** Whether the slot of {@code pos} was freed (and maybe written again by the next lap): its record is done. */
    public boolean released(final long pos) {
        return commitAcquire(pos) - pos >= slotCount;
    }

    /** The record type in the committed, not yet released slot of {@code pos}. */
    public int type(final long pos) {
        return buffer.getShort(slotOffset(pos) + RingLayout.SLOT_TYPE) & 0xffff;
    }

    /** Frees a reserved slot whose writer never committed; false if the writer committed after all. */
    public boolean abandon(final long pos) {
        return LONG.compareAndSet(buffer, slotOffset(pos), pos, pos + slotCount);
    }

    public long writeCursor() {
        return (long) LONG.getAcquire(buffer, RingLayout.OFF_WRITE_CURSOR);
    }

    public long readCursor() {
        return (long) LONG.getAcquire(buffer, RingLayout.OFF_READ_CURSOR);
    }

    /** Stores the first position whose record is not yet kept: where a restarted collector starts reading. */
    public void readCursor(final long pos) {
        LONG.setRelease(buffer, RingLayout.OFF_READ_CURSOR, pos);
    }

    /**
     * Tells the probe of {@code pid} that the collector resolved the identity its EXEC record at {@code execPos}
     * deferred: the tag cleared, the start ticks, then the tag the probe compares (each a release), so a probe that
     * sees its tag before and after reading the ticks read its own ticks (the entry is shared by pids equal mod 128).
     */
    public void ack(final int pid, final long execPos, final long startTicks) {
        final int entry = RingLayout.OFF_ACKS + (pid & (RingLayout.ACKS - 1)) * RingLayout.ACK_SIZE;
        LONG.setRelease(buffer, entry, 0L);
        LONG.setRelease(buffer, entry + 8, startTicks);
        LONG.setRelease(buffer, entry, ackTag(pid, execPos));
    }

    /** The start ticks acked for {@code pid} (by this or an earlier collector on the same ring), or -1. */
    public long ackedStartTicks(final int pid) {
        final int entry = RingLayout.OFF_ACKS + (pid & (RingLayout.ACKS - 1)) * RingLayout.ACK_SIZE;
        final long tag = (long) LONG.getAcquire(buffer, entry);
        return tag != 0 && (int) (tag >>> 32) == pid ? (long) LONG.getAcquire(buffer, entry + 8) : -1;
    }

    private static long ackTag(final int pid, final long execPos) {
        return ((long) pid << 32) | ((execPos + 1) & 0xffffffffL);
    }

    public long dropped() {
        return (long) LONG.getAcquire(buffer, RingLayout.OFF_DROPPED);
    }

    /**
     * Copies the used part of one committed slot (header and body) out of the ring, so the slot can be freed before
     * the record is decoded; returns the bytes the record uses. A slot the collector stamped
     * ({@link RingLayout#FLAG_RESOLVED}) is copied whole, stamp included.
     */
    public int copySlot(final long pos, final byte[] into) {
        final int off = slotOffset(pos);
        final int length = buffer.getInt(off + RingLayout.SLOT_LENGTH);
        final int used = length < 0 || length > slotSize - RingLayout.SLOT_HEADER_SIZE
                ? slotSize : RingLayout.SLOT_HEADER_SIZE + length;
        final boolean stamped = (buffer.getShort(off + RingLayout.SLOT_FLAGS) & RingLayout.FLAG_RESOLVED) != 0;
        buffer.get(off, into, 0, stamped ? slotSize : used);
        return used;
    }

    /**
     * Writes the identity the collector resolved for the deferred EXEC record at {@code pos} into its slot, which
     * must be committed and not yet freed (only its reader touches it then): see {@link RingLayout#FLAG_RESOLVED}.
     * False when the exe does not fit behind the record.
     */
    public boolean stampIdentity(final long pos, final long startTicks, final byte[] exe) {
        final int off = slotOffset(pos);
        final int length = buffer.getInt(off + RingLayout.SLOT_LENGTH);
        if (length < 0 || (long) RingLayout.SLOT_HEADER_SIZE + length + 4 + exe.length > slotSize) {
            return false;
        }
        final int at = off + RingLayout.SLOT_HEADER_SIZE + length;
        buffer.putInt(at, exe.length);
        buffer.put(at + 4, exe);
        buffer.putLong(off + RingLayout.SLOT_START_TICKS, startTicks);
        buffer.putShort(off + RingLayout.SLOT_FLAGS,
                (short) (buffer.getShort(off + RingLayout.SLOT_FLAGS) | RingLayout.FLAG_RESOLVED));
        return true;
    }

    /** Releases the reader lock; the mapping stays valid until garbage collected (Java cannot unmap eagerly). */
    @Override
    public void close() throws IOException {
        lockChannel.close();
    }
}
