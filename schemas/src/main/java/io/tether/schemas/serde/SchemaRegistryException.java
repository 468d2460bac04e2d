package io.tether.schemas.serde;

import org.apache.kafka.common.KafkaException;

/**
 * A schema registry call failed: the registry answered with an error (carrying Confluent's {@code error_code}
 * and {@code message}, e.g. 40401 subject not found, 40403 schema not found, 409 incompatible schema), or no
 * registry URL could be reached.
 *
 * <p>Deliberately not a {@link org.apache.kafka.common.errors.SerializationException}: a consumer must not treat
 * an unreachable registry like a poison record (see {@link WireFormatException}).
 */
public final class SchemaRegistryException extends KafkaException {
    private static final long serialVersionUID = 1L;

    /** Confluent error code: subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Confluent error code: version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Confluent error code: schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Confluent error code: incompatible schema (HTTP 409). */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Confluent error code: invalid schema. */
    public static final int INVALID_SCHEMA = 42201;
    /** Used when no HTTP answer was received at all (connection refused, timeout). */
    public static final int UNREACHABLE = -1;

    private final int httpStatus;
    private final int errorCode;

    public SchemaRegistryException(final int httpStatus, final int errorCode, final String message, final Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(final int httpStatus, final int errorCode, final String message) {
        this(httpStatus, errorCode, message, null);
    }

    /** HTTP status of the registry's answer, or {@link #UNREACHABLE}. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Confluent {@code error_code} of the answer (or the HTTP status when the body had none), or {@link #UNREACHABLE}. */
    public int errorCode() {
        return errorCode;
    }

    /** True when the registry said the subject, version or schema does not exist. */
    public boolean isNotFound() {
        return httpStatus == 404 || errorCode == SUBJECT_NOT_FOUND || errorCode == VERSION_NOT_FOUND
                || errorCode == SCHEMA_NOT_FOUND;
    }

    /** True when trying again later may succeed: the registry was unreachable or failed with a 5xx. */
    public boolean isRetriable() {
        return httpStatus == UNREACHABLE || httpStatus >= 500;
    }
}
