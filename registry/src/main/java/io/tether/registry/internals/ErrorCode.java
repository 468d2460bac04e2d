package io.tether.registry.internals;

/** Confluent Schema Registry error codes and the HTTP status each is sent with. */
public enum ErrorCode {
    MALFORMED_REQUEST(400, 400),
    SUBJECT_NOT_FOUND(404, 40401),
    VERSION_NOT_FOUND(404, 40402),
    SCHEMA_NOT_FOUND(404, 40403),
    SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED(404, 40408),
    NOT_FOUND(404, 404),
    METHOD_NOT_ALLOWED(405, 405),
    INCOMPATIBLE_SCHEMA(409, 409),
    UNPROCESSABLE_ENTITY(422, 422),
    INVALID_SCHEMA(422, 42201),
    INVALID_VERSION(422, 42202),
    INVALID_COMPATIBILITY_LEVEL(422, 42203),
    STORE_ERROR(500, 50001),
    OPERATION_TIMEOUT(500, 50002),
    INTERNAL_ERROR(500, 500);

    private final int httpStatus;
    private final int code;

    ErrorCode(final int httpStatus, final int code) {
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public int code() {
        return code;
    }
}
