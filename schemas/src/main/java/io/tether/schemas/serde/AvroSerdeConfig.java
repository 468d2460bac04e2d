package io.tether.schemas.serde;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of {@link AvroSerializer}, {@link AvroDeserializer} and {@link AvroSerde}. The names are
 * Confluent's, so the same producer/consumer/streams properties work with Confluent's serdes and with these.
 */
public final class AvroSerdeConfig extends AbstractConfig {

    /** Comma-separated registry base URLs ({@code http://host:port}, tried in order) or {@code mock://<scope>}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";

    /** URL scheme of the in-memory registry, shared per scope inside the JVM. */
    public static final String MOCK_URL_PREFIX = "mock://";

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.STRING, null, Importance.HIGH,
                    "Comma-separated schema registry base URLs (http://host:port); they are tried in order and "
                            + "the next one is used when one is unreachable. mock://<scope> selects an in-memory "
                            + "registry shared by every serde of that scope in this JVM (for tests).")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the record's schema under the subject on first use. When false the schema must "
                            + "already be registered (it is looked up), or see use.latest.version.")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
                    "With auto.register.schemas=false: use the id of the subject's latest version, which must "
                            + "be the record's own schema.")
            .define(CONNECT_TIMEOUT_MS, Type.INT, 5_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Timeout for connecting to one registry URL before the next one is tried.")
            .define(READ_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Timeout for one registry request (from sending to the complete answer).")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.LOW,
                    "user:password for HTTP basic authentication against the registry.");

    public AvroSerdeConfig(final Map<?, ?> props) {
        // doLog=false: serdes get the whole producer/streams config, logging it again per serde is noise
        super(CONFIG, props, false);
    }

    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    /** The configured URL(s), or null when none was given. */
    public String registryUrl() {
        return getString(SCHEMA_REGISTRY_URL);
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION);
    }

    public int connectTimeoutMs() {
        return getInt(CONNECT_TIMEOUT_MS);
    }

    public int readTimeoutMs() {
        return getInt(READ_TIMEOUT_MS);
    }

    /** {@code user:password}, or null. */
    public String basicAuthUserInfo() {
        final Password p = getPassword(BASIC_AUTH_USER_INFO);
        return p == null ? null : p.value();
    }
}
