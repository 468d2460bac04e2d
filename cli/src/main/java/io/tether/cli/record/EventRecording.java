package io.tether.cli.record;

import io.tether.schemas.topic.EventType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The file format of {@code tether record}: an Avro object container file (schema in the header, so
 * {@code avro-tools tojson} or any Avro library reads it) whose records are {@code io.tether.recording.RecordedEvent}:
 * topic, partition, offset, timestamp, key and the event as a union of the six event schemas.
 */
public final class EventRecording {
    public static final String META_SINCE = "tether.since.ms";
    public static final String META_UNTIL = "tether.until.ms";

    private static final Schema SCHEMA = buildSchema();

    private EventRecording() {
    }

    public static Schema schema() {
        return SCHEMA;
    }

    private static Schema buildSchema() {
        final List<Schema> events = new ArrayList<>();
        for (final EventType type : EventType.values()) {
            events.add(SpecificData.get().getSchema(type.recordClass()));
        }
        return SchemaBuilder.record("RecordedEvent").namespace("io.tether.recording")
                .doc("One raw input event as recorded from Kafka by 'tether record'.")
                .fields()
                .name("topic").doc("Topic the event was read from.").type().stringType().noDefault()
                .name("partition").doc("Partition it was read from.").type().intType().noDefault()
                .name("offset").doc("Its offset in that partition.").type().longType().noDefault()
                .name("timestampMs").doc("Record timestamp (event time), epoch milliseconds.").type().longType().noDefault()
                .name("key").doc("Record key, hostId|pid.").type().nullable().stringType().noDefault()
                .name("event").doc("The event.").type(Schema.createUnion(events)).noDefault()
                .endRecord();
    }

    /** Writes recorded events; close it to finish the file. */
    public static final class Writer implements AutoCloseable {
        private final DataFileWriter<GenericRecord> writer;
        private long count;

        public Writer(final OutputStream out, final long sinceMs, final long untilMs) throws IOException {
            this.writer = new DataFileWriter<>(new SpecificDatumWriter<GenericRecord>(SCHEMA));
            writer.setCodec(CodecFactory.deflateCodec(6));
            writer.setMeta(META_SINCE, sinceMs);
            writer.setMeta(META_UNTIL, untilMs);
            writer.create(SCHEMA, out);
        }

        public void append(final RecordedEvent e) throws IOException {
            final GenericRecord r = new GenericData.Record(SCHEMA);
            r.put("topic", e.topic());
            r.put("partition", e.partition());
            r.put("offset", e.offset());
            r.put("timestampMs", e.timestampMs());
            r.put("key", e.key());
            r.put("event", e.event());
            writer.append(r);
            count++;
        }

        public long count() {
            return count;
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }

    /** Reads every event of a recording, in file order. */
    public static long read(final Path file, final Consumer<RecordedEvent> sink) throws IOException {
        long n = 0;
        final SpecificDatumReader<GenericRecord> datumReader = new SpecificDatumReader<>(SCHEMA, SCHEMA,
                new SpecificData(EventRecording.class.getClassLoader()));
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), datumReader)) {
            GenericRecord r = null;
            while (reader.hasNext()) {
                r = reader.next(r);
                sink.accept(new RecordedEvent(r.get("topic").toString(), (Integer) r.get("partition"),
                        (Long) r.get("offset"), (Long) r.get("timestampMs"),
                        r.get("key") == null ? null : r.get("key").toString(), (SpecificRecord) r.get("event")));
                r = null; // the event object is handed on; do not let the reader reuse it
                n++;
            }
        } catch (final org.apache.avro.AvroRuntimeException e) {
            throw new IOException(file + " is not a Tether recording (" + e.getMessage() + ")", e);
        }
        return n;
    }

    /** Convenience for tests and small files. */
    public static List<RecordedEvent> readAll(final Path file) throws IOException {
        final List<RecordedEvent> all = new ArrayList<>();
        read(file, all::add);
        return all;
    }

    static OutputStream create(final Path file) throws IOException {
        return Files.newOutputStream(file);
    }
}
