package io.tether.streams.export;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The representations of a migration set that {@code GET /api/v1/migration-set?format=} and {@code tether export} offer. */
public enum ExportFormat {
    /** The JSON view of DESIGN.md §3 (rendered by the query layer). */
    JSON("application/json"),
    /** Graphviz DOT: hosts as clusters, programs, files and external endpoints as nodes. */
    DOT("text/vnd.graphviz; charset=utf-8"),
    /** RFC 4180 CSV, one row per member, for spreadsheets and migration tools. */
    CSV("text/csv; charset=utf-8; header=present");

    private final String contentType;

    ExportFormat(final String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /**
     * Parses a user-supplied format name, case-insensitively; {@code null} or blank means JSON.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ExportFormat parse(final String text) {
        if (text == null || text.isBlank()) {
            return JSON;
        }
        for (final ExportFormat format : values()) {
            if (format.name().equalsIgnoreCase(text.trim())) {
                return format;
            }
        }
        throw new IllegalArgumentException("format must be one of " + names() + ", got '" + text + "'");
    }

    static String names() {
        return Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining("|"));
    }
}
