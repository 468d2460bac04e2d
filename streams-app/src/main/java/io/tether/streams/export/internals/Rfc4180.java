package io.tether.streams.export.internals;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records: CRLF between records, a field is quoted when it holds a comma, a quote, CR or LF, and a
 * quote inside a quoted field is doubled. The reader also accepts bare LF line ends, as spreadsheets re-save them.
 */
public final class Rfc4180 {

    private Rfc4180() {
    }

    public static void writeRecord(final StringBuilder out, final List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            final String field = fields.get(i) == null ? "" : fields.get(i);
            if (needsQuotes(field)) {
                out.append('"').append(field.replace("\"", "\"\"")).append('"');
            } else {
                out.append(field);
            }
        }
        out.append("\r\n");
    }

    private static boolean needsQuotes(final String field) {
        for (int i = 0; i < field.length(); i++) {
            final char c = field.charAt(i);
            if (c == ',' || c == '"' || c == '\r' || c == '\n') {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads every record of a whole document.
     *
     * @throws IllegalArgumentException on a quote inside an unquoted field, text after a closing quote, or an
     *                                  unterminated quoted field, naming the record
     */
    public static List<List<String>> readAll(final String text) {
        final List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        final StringBuilder field = new StringBuilder();
        boolean afterQuote = false;    // a quoted field has closed; only a separator or line end may follow
        boolean pending = false;       // something of the current record has been read
        int i = 0;
        while (i < text.length()) {
            final char ch = text.charAt(i++);
            if (ch == '"') {
                if (field.length() > 0 || afterQuote) {
                    throw bad(records, "a quote may only start a field");
                }
                boolean closed = false;
                while (i < text.length()) {
                    final char q = text.charAt(i++);
                    if (q != '"') {
                        field.append(q);
                    } else if (i < text.length() && text.charAt(i) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        closed = true;
                        break;
                    }
                }
                if (!closed) {
                    throw bad(records, "unterminated quoted field");
                }
                afterQuote = true;
                pending = true;
            } else if (ch == ',') {
                record.add(field.toString());
                field.setLength(0);
                afterQuote = false;
                pending = true;
            } else if (ch == '\r' && i < text.length() && text.charAt(i) == '\n') {
                continue; // the LF that follows ends the record
            } else if (ch == '\n') {
                record.add(field.toString());
                records.add(record);
                record = new ArrayList<>();
                field.setLength(0);
                afterQuote = false;
                pending = false;
            } else {
                if (afterQuote) {
                    throw bad(records, "text after a closing quote");
                }
                field.append(ch);
                pending = true;
            }
        }
        if (pending) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    private static IllegalArgumentException bad(final List<List<String>> records, final String what) {
        return new IllegalArgumentException("CSV record " + (records.size() + 1) + ": " + what);
    }
}
