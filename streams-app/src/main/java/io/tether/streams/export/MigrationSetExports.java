package io.tether.streams.export;

import io.tether.schemas.model.MigrationSet;

/**
 * The one call the query layer makes for {@code GET /api/v1/migration-set?format=dot|csv}: JSON stays the query
 * layer's own view; the other formats are rendered here from the component and the queried AP.
 */
public final class MigrationSetExports {

    private MigrationSetExports() {
    }

    /**
     * @param why the query layer's why-paths as text, used by the CSV {@code why} column
     * @throws IllegalArgumentException for {@link ExportFormat#JSON}, which the caller renders itself
     */
    public static String render(final ExportFormat format, final MigrationSet set, final String ap, final WhyChains why) {
        return switch (format) {
            case DOT -> DotExport.render(set, ap);
            case CSV -> CsvExport.render(set, why);
            case JSON -> throw new IllegalArgumentException("JSON is rendered by the query layer's view");
        };
    }
}
