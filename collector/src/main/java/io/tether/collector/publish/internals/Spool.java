package io.tether.collector.publish.internals;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * The collector's local write-ahead spool: every event is appended here before it is handed to the Kafka
 * producer, and a segment file is deleted only once Kafka acknowledged all its records. So a Kafka outage, or a
 * killed collector, loses nothing that reached the spool: the sender replays unacknowledged records in order when
 * Kafka is back, and a restarted collector resends the segments its predecessor left (their events keep their
 * original collectorRun and sequence, so a consumer drops any duplicate by (hostId, collectorRun, sequence)).
 *
 * <p>Files: {@code <first record index, 20 digits>.spool}, append-only; a record is
 * {@code [int length][int crc32c][byte type][int pid][long timestampMillis][Avro body]} where length and crc cover
 * everything after the crc; with the type's high bit set, a trailer {@code [long probe record]... [int n]} follows
 * the body (the probe records a batch accounts for, see {@link #recoveredProbeRecords()}). A torn record at the tail of a file (crash mid-write) ends that file on recovery.
 *
 * <p>Bounded: when the spool holds {@code maxBytes}, {@link #append} refuses new records (the caller counts them
 * as dropped: the oldest evidence is kept so the process history stays consistent, and the refused events leave a
 * visible gap in the sequence numbers). Durability: records are written to the file at the end of each batch (so a
 * killed collector loses only its in-memory batch) and fsync'ed periodically and when a segment is sealed.
 *
 * <p>Single-threaded except {@link SpoolSegment#ack}, which producer callbacks call.
 */
public final class Spool implements Closeable {
    static final int RECORD_HEADER = 4 + 4 + 1 + 4 + 8;
    /** Type bit of a record followed by a trailer of probe records: n longs, then int n (covered by the CRC). */
    static final byte PROBE_RECORDS_FLAG = (byte) 0x80;
    /** Probe records remembered from the recovered spool's tail: far more than a ring holds unfreed. */
    private static final int RECOVERED_PROBE_RECORDS = 1 << 16;
    private static final String SUFFIX = ".spool";

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final int segmentRecords;
    private final ArrayDeque<SpoolSegment> segments = new ArrayDeque<>();
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(1 << 20);
    private final CRC32C crc = new CRC32C();
    private FileChannel active;
    private long nextIndex;
    private long totalBytes;
    private boolean dirty;
    private final long recoveredRecords;
    private final java.util.ArrayDeque<Long> recoveredProbeRecords = new java.util.ArrayDeque<>();

    private Spool(final Path dir, final long maxBytes, final long segmentBytes, final int segmentRecords) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.segmentRecords = segmentRecords;
        Files.createDirectories(dir);
        this.recoveredRecords = recover();
    }

    /**
     * Opens (creating if needed) the spool in {@code dir}, recovering segments a previous run left behind.
     */
    public static Spool open(final Path dir, final long maxBytes, final long segmentBytes, final int segmentRecords)
            throws IOException {
        if (maxBytes < segmentBytes) {
            throw new IllegalArgumentException("spool size " + maxBytes + " is below one segment (" + segmentBytes + ")");
        }
        return new Spool(dir, maxBytes, segmentBytes, segmentRecords);
    }

    private long recover() throws IOException {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            stream.forEach(files::add);
        }
        files.sort(null);
        long recovered = 0;
        for (final Path file : files) {
            final String name = file.getFileName().toString();
            final long first;
            try {
                first = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
            } catch (final NumberFormatException notOurs) {
                continue;
            }
            final SpoolSegment segment = new SpoolSegment(first, file, segmentRecords);
            try (SpoolReader reader = new SpoolReader(segment, Integer.MAX_VALUE)) {
                while (reader.next()) {
                    segment.count++;
                    reader.probeRecords.forEach(this::rememberProbeRecord);
                }
                segment.bytes = reader.position();
            }
            if (segment.count == 0) {
                Files.deleteIfExists(file);
                continue;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(segment.bytes); // drop a torn tail
            }
            segment.sealed = true;
            segments.add(segment);
            totalBytes += segment.bytes;
            recovered += segment.count;
            nextIndex = first + segment.count;
        }
        return recovered;
    }

    private void rememberProbeRecord(final long probeSequence) {
        recoveredProbeRecords.addLast(probeSequence);
        if (recoveredProbeRecords.size() > RECOVERED_PROBE_RECORDS) {
            recoveredProbeRecords.removeFirst();
        }
    }

    /**
     * The probe records named in the trailers of the last records a previous run left (the latest 65,536): their
     * events are in this spool, so the probe channel must not read them again, even if that run was killed
     * before it freed their ring slots.
     */
    public long[] recoveredProbeRecords() {
        return recoveredProbeRecords.stream().mapToLong(Long::longValue).toArray();
    }

    /** Records found at open, left by a previous run. */
    public long recoveredRecords() {
        return recoveredRecords;
    }

    /** Index the next appended record gets. */
    public long nextIndex() {
        return nextIndex;
    }

    public long bytes() {
        return totalBytes;
    }

    /**
     * Appends one record. Returns its index, or -1 when the spool is full.
     */
    public long append(final byte type, final int pid, final long timestampMillis, final byte[] body, final int length)
            throws IOException {
        return append(type, pid, timestampMillis, body, 0, length);
    }

    /**
     * Appends one record whose body is {@code src[offset .. offset + length)}. Returns its index, or -1 when the
     * spool is full.
     */
    public long append(final byte type, final int pid, final long timestampMillis, final byte[] src, final int offset,
                       final int length) throws IOException {
        return append(type, pid, timestampMillis, src, offset, length, null);
    }

    /**
     * Appends one record followed by a trailer naming {@code probeRecords} (if any): the probe records whose events
     * are this record and the ones appended before it, so that a restart after a hard kill knows them kept even
     * if their ring slots were not freed yet (in the same write as the events: never one without the other).
     * Readers see the body without the trailer. Returns the record's index, or -1 when the spool is full.
     */
    public long append(final byte type, final int pid, final long timestampMillis, final byte[] src, final int offset,
                       final int length, final PositionList probeRecords) throws IOException {
        final int trailer = probeRecords == null || probeRecords.size() == 0 ? 0 : 4 + 8 * probeRecords.size();
        final byte tag = trailer == 0 ? type : (byte) (type | PROBE_RECORDS_FLAG);
        final int recordBytes = RECORD_HEADER + length + trailer;
        if (totalBytes + recordBytes > maxBytes) {
            return -1;
        }
        SpoolSegment segment = segments.peekLast();
        if (segment == null || segment.sealed || segment.bytes + recordBytes > segmentBytes && segment.count > 0
                || segment.count >= segmentRecords) {
            segment = roll();
        }
        if (writeBuffer.remaining() < recordBytes) {
            flush();
            if (writeBuffer.remaining() < recordBytes) {
                writeLarge(tag, pid, timestampMillis, src, offset, length, probeRecords, trailer);
                return finishAppend(segment, recordBytes);
            }
        }
        crc.reset();
        crc.update(tag);
        crc.update(pid >>> 24);
        crc.update(pid >>> 16);
        crc.update(pid >>> 8);
        crc.update(pid);
        for (int shift = 56; shift >= 0; shift -= 8) {
            crc.update((int) (timestampMillis >>> shift));
        }
        crc.update(src, offset, length);
        final int crcAt = writeBuffer.position() + 4;
        writeBuffer.putInt(recordBytes - 8).putInt(0).put(tag).putInt(pid).putLong(timestampMillis)
                .put(src, offset, length);
        if (trailer > 0) {
            final int trailerAt = writeBuffer.position();
            probeRecords.forEach(writeBuffer::putLong);
            writeBuffer.putInt(probeRecords.size());
            final ByteBuffer written = writeBuffer.duplicate();
            written.position(trailerAt).limit(trailerAt + trailer);
            crc.update(written);
        }
        writeBuffer.putInt(crcAt, (int) crc.getValue());
        return finishAppend(segment, recordBytes);
    }

    private void writeLarge(final byte tag, final int pid, final long ts, final byte[] src, final int offset,
                            final int length, final PositionList probeRecords, final int trailer) throws IOException {
        final ByteBuffer one = ByteBuffer.allocate(RECORD_HEADER + length + trailer);
        crc.reset();
        final ByteBuffer covered = ByteBuffer.allocate(13 + length + trailer).put(tag).putInt(pid).putLong(ts)
                .put(src, offset, length);
        if (trailer > 0) {
            probeRecords.forEach(covered::putLong);
            covered.putInt(probeRecords.size());
        }
        crc.update(covered.array());
        one.putInt(RECORD_HEADER - 8 + length + trailer).putInt((int) crc.getValue()).put(covered.array()).flip();
        while (one.hasRemaining()) {
            active.write(one);
        }
    }

    private long finishAppend(final SpoolSegment segment, final int recordBytes) {
        segment.count++;
        segment.bytes += recordBytes;
        totalBytes += recordBytes;
        dirty = true;
        return nextIndex++;
    }

    private SpoolSegment roll() throws IOException {
        sealActive();
        final Path file = dir.resolve(String.format(Locale.ROOT, "%020d", nextIndex) + SUFFIX);
        active = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        final SpoolSegment segment = new SpoolSegment(nextIndex, file, segmentRecords);
        segments.add(segment);
        return segment;
    }

    private void sealActive() throws IOException {
        if (active == null) {
            return;
        }
        flush();
        active.force(false);
        active.close();
        active = null;
        final SpoolSegment last = segments.peekLast();
        if (last != null) {
            last.sealed = true;
        }
    }

    /** Writes buffered records to the file (the OS then holds them even if this process is killed). */
    public void flush() throws IOException {
        if (writeBuffer.position() == 0) {
            return;
        }
        writeBuffer.flip();
        while (writeBuffer.hasRemaining()) {
            active.write(writeBuffer);
        }
        writeBuffer.clear();
    }

    /** Flushes and fsyncs the active segment, so a machine crash loses nothing written so far. */
    public void sync() throws IOException {
        flush();
        if (active != null && dirty) {
            active.force(false);
            dirty = false;
        }
    }

    /**
     * Deletes sealed segments whose records Kafka has all acknowledged. Returns how many were deleted. With
     * {@code sealIdle}, a fully acknowledged active segment is sealed (and deleted) too, so that at low event rates
     * a restart does not resend a long-acknowledged segment; callers pass it every few seconds, not on every call.
     */
    public int deleteCompleted(final boolean sealIdle) throws IOException {
        int deleted = 0;
        final var it = segments.iterator();
        while (it.hasNext()) {
            final SpoolSegment segment = it.next();
            if (!segment.complete()) {
                continue;
            }
            Files.deleteIfExists(segment.file);
            totalBytes -= segment.bytes;
            it.remove();
            deleted++;
        }
        // an idle, fully acknowledged active segment is sealed so its file can go too
        final SpoolSegment last = segments.peekLast();
        if (sealIdle && last != null && !last.sealed && last.count > 0 && last.fullyAcked()) {
            sealActive();
            Files.deleteIfExists(last.file);
            totalBytes -= last.bytes;
            segments.removeLast();
            deleted++;
        }
        return deleted;
    }

    /** Index of the oldest record Kafka has not acknowledged ({@link #nextIndex()} when there is none). */
    public long firstUnacked() {
        for (final SpoolSegment segment : segments) {
            final int local = segment.firstUnacked();
            if (local < segment.count) {
                return segment.firstIndex + local;
            }
        }
        return nextIndex;
    }

    /** The segment holding record {@code index}, or null if it was deleted. */
    SpoolSegment segmentOf(final long index) {
        for (final SpoolSegment segment : segments) {
            if (index >= segment.firstIndex && index < segment.firstIndex + segment.count) {
                return segment;
            }
        }
        return null;
    }

    Iterable<SpoolSegment> segmentsView() {
        return segments;
    }

    /** The segment records are being appended to (for acknowledging records sent straight from memory). */
    public SpoolSegment activeSegment() {
        return segments.peekLast();
    }

    /**
     * A reader positioned at record {@code index}, reading at most up to the records appended so far. Flushes
     * first, so the file holds everything.
     */
    public SpoolCursor cursorAt(final long index) throws IOException {
        flush();
        return new SpoolCursor(this, index);
    }

    @Override
    public void close() throws IOException {
        sealActive();
    }
}
