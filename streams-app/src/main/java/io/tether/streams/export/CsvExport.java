package io.tether.streams.export;

import io.tether.schemas.event.AccessMode;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.ExternalEndpoint;
import io.tether.schemas.model.FileMember;
import io.tether.schemas.model.FileUse;
import io.tether.schemas.model.MigrationSet;
import io.tether.streams.export.internals.Rfc4180;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
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

    /** The rows of a set: apps, then files, then external endpoints, each in the set's own order. */
    public static List<MemberRow> rows(final MigrationSet set, final WhyChains why) {
        final Map<String, String> hostOfAp = new HashMap<>();
        final List<MemberRow> rows = new ArrayList<>();
        for (final AppMember app : set.getApps()) {
            hostOfAp.put(app.getAp(), app.getHost());
            rows.add(new MemberRow(MemberRow.APP, app.getAp(), app.getHost(), app.getProgram(), app.getPids(),
                "CHECKPOINT", List.of(), "", "", why.describe(app.getAp())));
        }
        for (final FileMember file : set.getFiles()) {
            final List<String> users = file.getOpenedBy().stream().map(u -> u.getAp() + "=" + u.getMode()).toList();
            rows.add(new MemberRow(MemberRow.FILE, file.getPath(), file.getHost(), "", List.of(),
                file.getTransfer().name(), users, "", "", fileWhy(file, why)));
        }
        for (final ExternalEndpoint ext : set.getExternal()) {
            final String chain = why.describe(ext.getAp());
            rows.add(new MemberRow(MemberRow.EXTERNAL, Addresses.format(ext.getAddress()),
                hostOfAp.getOrDefault(ext.getAp(), ""), "", List.of(), MemberRow.EXTERNAL, List.of(ext.getAp()),
                ext.getProtocol().name(), ext.getDirection().name(),
                (chain.isEmpty() ? "" : chain + "; ") + ext.getAp() + " " + ext.getDirection().name().toLowerCase()
                    + " " + Addresses.format(ext.getAddress())));
        }
        return rows;
    }

    /** A file is pulled in by its users: the first writer explains a MOVE best, any reader explains a COPY. */
    private static String fileWhy(final FileMember file, final WhyChains why) {
        final FileUse user = file.getOpenedBy().stream()
            .filter(u -> u.getMode() == AccessMode.WRITE).findFirst()
            .orElse(file.getOpenedBy().isEmpty() ? null : file.getOpenedBy().get(0));
        if (user == null) {
            return "";
        }
        final String chain = why.describe(user.getAp());
        return (chain.isEmpty() ? "" : chain + "; ") + user.getAp() + " "
            + (user.getMode() == AccessMode.WRITE ? "writes" : "reads") + " it";
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

    public static String render(final MigrationSet set, final WhyChains why) {
        return render(rows(set, why));
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
