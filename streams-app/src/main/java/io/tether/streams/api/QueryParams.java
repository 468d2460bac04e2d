package io.tether.streams.api;

import io.javalin.http.Context;
import io.tether.schemas.identity.ApId;
import io.tether.streams.export.ExportFormat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** Parses and validates the API's query parameters into the model's types, with messages a caller can act on. */
final class QueryParams {

    static final String AP = "ap";
    static final String AS_OF = "asOf";
    static final String FORMAT = "format";

    private QueryParams() {
    }

    static ApId ap(final Context ctx) {
        final String value = single(ctx, AP);
        if (value == null || value.isBlank()) {
            throw new BadRequestException("missing query parameter 'ap' (program@hostId, e.g. /usr/sbin/nginx@web-1)");
        }
        try {
            return ApId.parse(value.trim());
        } catch (final IllegalArgumentException e) {
            throw new BadRequestException("bad query parameter 'ap': " + e.getMessage());
        }
    }

    /** {@code format=json|dot|csv}; absent means JSON. */
    static ExportFormat format(final Context ctx) {
        try {
            return ExportFormat.parse(single(ctx, FORMAT));
        } catch (final IllegalArgumentException e) {
            throw new BadRequestException("bad query parameter 'format': " + e.getMessage());
        }
    }

    /**
     * A past time: the set of a time yet to come is not known (a versioned store would answer with the latest set,
     * which would read as a promise). Only the public parameter is checked; instances forward it among themselves
     * as given, whatever their clocks say.
     *
     * @return the instant, or null when the parameter is absent
     */
    static Instant asOf(final Context ctx) {
        final Instant asOf = instant(AS_OF, single(ctx, AS_OF));
        final Instant now = Instant.now();
        if (asOf != null && asOf.isAfter(now)) {
            throw new BadRequestException("bad query parameter 'asOf': " + asOf + " is in the future (it is " + now
                + " here); leave asOf out for the set as it is now");
        }
        return asOf;
    }

    static Instant instant(final String name, final String value) {
        if (value == null) {
            return null;
        }
        final String text = value.trim();
        try {
            return Instant.parse(text);
        } catch (final DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (final DateTimeParseException e) {
                throw new BadRequestException("bad query parameter '" + name + "': expected an ISO-8601 time such as "
                    + "2026-11-26T04:30:00Z or 2026-11-26T05:30:00+01:00, got '" + value + "'");
            }
        }
    }

    static String required(final Context ctx, final String name) {
        final String value = single(ctx, name);
        if (value == null || value.isEmpty()) {
            throw new BadRequestException("missing query parameter '" + name + "'");
        }
        return value;
    }

    /**
     * The one value of a parameter, or null when absent. Given twice it is a client's mistake, not a choice to make for
     * it; and a value the server could not decode (bad percent-encoding) is dropped by the parser, so without this
     * check it would be reported as missing.
     */
    private static String single(final Context ctx, final String name) {
        final List<String> values = ctx.queryParams(name);
        if (values.size() > 1) {
            throw new BadRequestException("query parameter '" + name + "' given " + values.size() + " times; give it once");
        }
        if (values.isEmpty() && givenWithValue(ctx.queryString(), name)) {
            throw new BadRequestException("bad query parameter '" + name + "': not valid percent-encoding (encode '%' "
                + "as %25 and other reserved characters as %XX)");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private static boolean givenWithValue(final String query, final String name) {
        if (query == null) {
            return false;
        }
        for (final String pair : query.split("&")) {
            if (pair.startsWith(name + "=") && pair.length() > name.length() + 1) {
                return true;
            }
        }
        return false;
    }

    static int partition(final Context ctx, final String name) {
        final String value = required(ctx, name);
        try {
            final int partition = Integer.parseInt(value);
            if (partition < 0) {
                throw new NumberFormatException();
            }
            return partition;
        } catch (final NumberFormatException e) {
            throw new BadRequestException("bad query parameter '" + name + "': expected a partition number, got '" + value + "'");
        }
    }
}
