package io.tether.streams.export;

import io.tether.streams.query.Addresses;
import io.tether.streams.query.MigrationSetView;
import io.tether.streams.query.MigrationSetView.App;
import io.tether.streams.query.MigrationSetView.External;
import io.tether.streams.query.MigrationSetView.File;
import io.tether.streams.query.WhyPath;
import io.tether.streams.query.WhyStep;
import io.tether.streams.export.internals.Rfc4180;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A migration set as RFC 4180 CSV, one row per member (see {@link MemberRow} for the columns). Multi-valued
 * cells join with a space ({@code pids}) or with {@code ;} after each {@code =READ}/{@code =WRITE}
 * ({@code used_by}), so a program path that itself holds a semicolon still splits back correctly; cells are
 * quoted whenever RFC 4180 needs it, so any path survives a round trip.
 */
public final class CsvExport {

    private CsvExport() {
    }

    /** The rows of a set: apps, then files, then external endpoints, each in the view's own order. */
    public static List<MemberRow> rows(final MigrationSetView view) {
        final Map<String, String> why = new HashMap<>();
        for (final WhyPath path : view.why()) {
            why.put(path.member(), path.chain().stream().map(WhyStep::text).collect(Collectors.joining("; ")));
        }
        final Map<String, String> hostOfAp = new HashMap<>();
        final List<MemberRow> rows = new ArrayList<>();
        for (final App app : view.apps()) {
            hostOfAp.put(app.ap(), app.host());
            rows.add(new MemberRow(MemberRow.APP, app.ap(), app.host(), app.program(), app.pids(), "CHECKPOINT",
                List.of(), "", "", why.getOrDefault(app.ap(), "")));
        }
        for (final File file : view.files()) {
            final List<String> users = file.openedBy().stream().map(u -> u.ap() + "=" + u.mode()).toList();
            rows.add(new MemberRow(MemberRow.FILE, file.path(), file.host(), "", List.of(), file.transfer(), users,
                "", "", why.getOrDefault(Addresses.file(file.host(), file.path()), "")));
        }
        for (final External ext : view.external()) {
            // An endpoint is pulled in by the member that talks to it: that member's chain, then the talking.
            final String chain = why.getOrDefault(ext.ap(), "");
            rows.add(new MemberRow(MemberRow.EXTERNAL, ext.address(), hostOfAp.getOrDefault(ext.ap(), ""), "",
                List.of(), MemberRow.EXTERNAL, List.of(ext.ap()), ext.protocol(), ext.direction(),
                (chain.isEmpty() ? "" : chain + "; ") + ext.ap() + " " + ext.direction().toLowerCase(Locale.ROOT)
                    + " " + ext.address()));
        }
        return rows;
    }

    public static String render(final List<MemberRow> rows) {
        final StringBuilder out = new StringBuilder(256 + rows.size() * 128);
        Rfc4180.writeRecord(out, MemberRow.COLUMNS);
        for (final MemberRow row : rows) {
            Rfc4180.writeRecord(out, List.of(row.kind(), row.member(), row.host(), row.program(),
                row.pids().stream().map(String::valueOf).collect(Collectors.joining(" ")), row.transfer(),
                String.join(";", row.usedBy()), row.protocol(), row.direction(), row.why()));
        }
        return out.toString();
    }

    public static String render(final MigrationSetView view) {
        return render(rows(view));
    }

    /**
     * Parses what {@link #render(List)} wrote (or a spreadsheet re-saved).
     *
     * @throws IllegalArgumentException when the header or a row does not have the expected shape
     */
    public static List<MemberRow> parse(final String csv) {
        final List<List<String>> records = Rfc4180.readAll(csv);
        if (records.isEmpty() || !records.get(0).equals(MemberRow.COLUMNS)) {
            throw new IllegalArgumentException("CSV must start with the header " + String.join(",", MemberRow.COLUMNS));
        }
        final List<MemberRow> rows = new ArrayList<>(records.size() - 1);
        for (int r = 1; r < records.size(); r++) {
            final List<String> f = records.get(r);
            if (f.size() != MemberRow.COLUMNS.size()) {
                throw new IllegalArgumentException("CSV row " + (r + 1) + " has " + f.size() + " fields, expected "
                    + MemberRow.COLUMNS.size());
            }
            rows.add(new MemberRow(f.get(0), f.get(1), f.get(2), f.get(3), pids(f.get(4), r + 1), f.get(5),
                usedBy(f.get(0), f.get(6)), f.get(7), f.get(8), f.get(9)));
        }
        return rows;
    }

    private static final Pattern USE_SEPARATOR = Pattern.compile("(?<==READ|=WRITE);");

    private static List<String> usedBy(final String kind, final String cell) {
        if (cell.isEmpty()) {
            return List.of();
        }
        return MemberRow.FILE.equals(kind) ? Arrays.asList(USE_SEPARATOR.split(cell, -1)) : List.of(cell);
    }

    private static List<Integer> pids(final String cell, final int row) {
        if (cell.isBlank()) {
            return List.of();
        }
        try {
            return Arrays.stream(cell.trim().split(" +")).map(Integer::valueOf).toList();
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException("CSV row " + row + ": pids must be integers separated by spaces, got '"
                + cell + "'");
        }
    }
}
