package io.tether.registry;

/** Hand-written schemas for evolution tests: a small record and the ways it can change. */
final class Samples {

    static final String V1 = """
            {"type":"record","name":"Sample","namespace":"io.tether.test","fields":[
              {"name":"pid","type":"int"},
              {"name":"path","type":"string"}]}""";

    /** V1 plus an optional field with a default: BACKWARD and FORWARD compatible. */
    static final String V2_OPTIONAL_FIELD = """
            {"type":"record","name":"Sample","namespace":"io.tether.test","fields":[
              {"name":"pid","type":"int"},
              {"name":"path","type":"string"},
              {"name":"comment","type":["null","string"],"default":null}]}""";

    /** V2 plus a required field without default: a new reader cannot read old data (not BACKWARD). */
    static final String V3_REQUIRED_FIELD = """
            {"type":"record","name":"Sample","namespace":"io.tether.test","fields":[
              {"name":"pid","type":"int"},
              {"name":"path","type":"string"},
              {"name":"comment","type":["null","string"],"default":null},
              {"name":"cwd","type":"string"}]}""";

    /** V2 without the required field 'path': old readers cannot read new data (not FORWARD). */
    static final String WITHOUT_PATH = """
            {"type":"record","name":"Sample","namespace":"io.tether.test","fields":[
              {"name":"pid","type":"int"},
              {"name":"comment","type":["null","string"],"default":null}]}""";

    static final String OTHER = """
            {"type":"record","name":"Other","namespace":"io.tether.test","fields":[
              {"name":"value","type":"long"}]}""";

    /** A default that does not match its field's type: Avro refuses to parse it. */
    static final String BAD_DEFAULT = """
            {"type":"record","name":"Broken","namespace":"io.tether.test","fields":[
              {"name":"count","type":"int","default":"many"}]}""";

    private Samples() {
    }
}
