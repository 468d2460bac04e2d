package io.tether.streams.api;

/**
 * The JSON body of every error the API returns: {@code {"status":404,"error":"Not Found","message":"..."}}.
 * The message says what was wrong with the request or what to do; it never carries a stack trace.
 */
public record ApiError(int status, String error, String message) {
}
