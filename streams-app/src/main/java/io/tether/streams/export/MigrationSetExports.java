package io.tether.streams.export;

import io.tether.streams.query.MigrationSetView;

/**
 * The one call the query layer makes for {@code GET /api/v1/migration-set?format=dot|csv}: JSON stays the query
 * layer's own view; DOT and CSV are rendered here from that same view, so every format tells the same story
 * (including {@code why}, which the view already carries).
 */
public final class MigrationSetExports {

    private MigrationSetExports() {
    }

    /** @throws IllegalArgumentException for {@link ExportFormat#JSON}, which the caller serialises itself */
    public static String render(final ExportFormat format, final MigrationSetView view) {
        return switch (format) {
            case DOT -> DotExport.render(view);
            case CSV -> CsvExport.render(view);
            case JSON -> throw new IllegalArgumentException("JSON is the query layer's own serialisation of the view");
        };
    }

    /**
     * The part of an address that names the service, as edges are labelled: {@code :5432} of {@code 10.0.0.2:5432}
     * or {@code [fd00::2]:5432}; a Unix socket ({@code unix:/run/x.sock}) is named whole.
     */
    static String service(final String address) {
        if (address == null || address.isEmpty()) {
            return "";
        }
        if (address.startsWith("unix:")) {
            return address;
        }
        final int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(colon);
    }
}
