package io.tether.schemas.serde;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record of a schema version that has no generated class in this JVM (a newer or older producer's version of
 * an event), so that one test JVM can play both sides of a schema change through the real serializer.
 */
final class DynamicRecord implements SpecificRecord {
    private final GenericData.Record record;

    DynamicRecord(final Schema schema) {
        this.record = new GenericData.Record(schema);
    }

    DynamicRecord set(final String field, final Object value) {
        record.put(field, value);
        return this;
    }

    @Override
    public void put(final int i, final Object v) {
        record.put(i, v);
    }

    @Override
    public Object get(final int i) {
        return record.get(i);
    }

    @Override
    public Schema getSchema() {
        return record.getSchema();
    }
}
