package io.tether.collector.trace;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The pieces of strace's argument syntax the trace mode reads: top-level argument splitting (aware of quoted strings,
 * nested brackets, {@code /* comments *}{@code /} of -X verbose and the {@code <...>} decorations of -y/-yy, which
 * nest, e.g. {@code 3</dev/null<char 1:3>>}), C string literals, string arrays and leading numbers.
 */
final class StraceSyntax {
    private StraceSyntax() {
    }

    /**
     * Splits {@code text} that starts right after a call's opening parenthesis into its top-level arguments, stopping
     * at the closing parenthesis. Returns null when the closing parenthesis is missing (a cut line); otherwise the
     * arguments and, in {@code rest[0]}, the index just after the closing parenthesis.
     */
    static List<String> arguments(final String text, final int[] rest) {
        final List<String> args = new ArrayList<>();
        int depth = 0;
        int start = 0;
        int i = 0;
        final int n = text.length();
        while (i < n) {
            final char c = text.charAt(i);
            if (c == '<') {
                final int end = endOfDecoration(text, i);
                i = end < 0 ? n : end;
                continue;
            }
            if (c == '"') {
                i = endOfString(text, i);
                continue;
            }
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                final int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            switch (c) {
                case '(', '[', '{' -> depth++;
                case ']', '}' -> depth--;
                case ')' -> {
                    if (depth == 0) {
                        addArgument(args, text.substring(start, i));
                        rest[0] = i + 1;
                        return args;
                    }
                    depth--;
                }
                case ',' -> {
                    if (depth == 0) {
                        addArgument(args, text.substring(start, i));
                        start = i + 1;
                    }
                }
                default -> {
                }
            }
            i++;
        }
        return null;
    }

    private static void addArgument(final List<String> args, final String raw) {
        final String arg = raw.trim();
        if (!arg.isEmpty() || !args.isEmpty()) {
            args.add(arg);
        }
    }

    /**
     * Index just after the '>' that closes the decoration opening at {@code open} (a '<'; decorations nest, escapes
     * and the arrows inside socket decorations do not close them), or -1 if it is not closed (a cut line).
     */
    private static int endOfDecoration(final String text, final int open) {
        int depth = 1;
        int j = open + 1;
        final int n = text.length();
        while (j < n && depth > 0) {
            final char d = text.charAt(j);
            if (d == '\\') {
                j += 2;
                continue;
            }
            if (d == '<') {
                depth++;
            } else if (d == '>' && !arrow(text, j)) {
                depth--;
            }
            j++;
        }
        return depth == 0 ? j : -1;
    }

    /** Whether the '>' at {@code i} is the arrow of a socket decoration ({@code 1.2.3.4:5->6.7.8.9:10}), not its end. */
    private static boolean arrow(final String text, final int i) {
        return i > 0 && text.charAt(i - 1) == '-';
    }

    /** Index just after the string literal that starts at {@code open} (a '"'), or the text's length if unclosed. */
    private static int endOfString(final String text, final int open) {
        int i = open + 1;
        while (i < text.length()) {
            final char c = text.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '"') {
                return i + 1;
            } else {
                i++;
            }
        }
        return text.length();
    }

    /** The decoded C string literal an argument starts with ({@code "…"}, possibly followed by {@code ...}); null if none. */
    static String string(final String arg) {
        final String s = arg.trim();
        if (!s.startsWith("\"")) {
            return null;
        }
        final int end = endOfString(s, 0);
        return unescape(s.substring(1, Math.max(1, end - 1)));
    }

    /** Whether strace cut the string (it appends "..." after the closing quote when -s was too small). */
    static boolean truncated(final String arg) {
        final String s = arg.trim();
        return s.startsWith("\"") && s.substring(endOfString(s, 0)).startsWith("...");
    }

    /** Decodes strace's C escapes: \n \t \r \v \f \\ \" \xHH and octal \NNN; bytes are read as UTF-8. */
    static String unescape(final String body) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
        int i = 0;
        while (i < body.length()) {
            final char c = body.charAt(i);
            if (c != '\\' || i + 1 >= body.length()) {
                final byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i++;
                continue;
            }
            final char e = body.charAt(i + 1);
            switch (e) {
                case 'n' -> { out.write('\n'); i += 2; }
                case 't' -> { out.write('\t'); i += 2; }
                case 'r' -> { out.write('\r'); i += 2; }
                case 'v' -> { out.write(0x0b); i += 2; }
                case 'f' -> { out.write('\f'); i += 2; }
                case 'x' -> {
                    int j = i + 2;
                    int value = 0;
                    while (j < body.length() && j < i + 4 && Character.digit(body.charAt(j), 16) >= 0) {
                        value = value * 16 + Character.digit(body.charAt(j), 16);
                        j++;
                    }
                    out.write(value);
                    i = j;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int j = i + 1;
                        int value = 0;
                        while (j < body.length() && j < i + 4 && body.charAt(j) >= '0' && body.charAt(j) <= '7') {
                            value = value * 8 + (body.charAt(j) - '0');
                            j++;
                        }
                        out.write(value);
                        i = j;
                    } else {
                        out.write(e);
                        i += 2;
                    }
                }
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The strings of an array argument like {@code ["sh", "-c", "echo"]}; a trailing {@code ...} (cut array) is dropped. */
    static List<String> stringArray(final String arg) {
        final String s = arg.trim();
        final List<String> out = new ArrayList<>();
        if (!s.startsWith("[")) {
            return out;
        }
        int i = 1;
        while (i < s.length()) {
            final char c = s.charAt(i);
            if (c == '"') {
                final int end = endOfString(s, i);
                out.add(unescape(s.substring(i + 1, Math.max(i + 1, end - 1))));
                i = end;
            } else if (c == ']') {
                break;
            } else {
                i++;
            }
        }
        return out;
    }

    /** The number an argument or result starts with: decimal, 0x hex, or 0-prefixed octal (modes); empty if none. */
    static OptionalLong leadingNumber(final String text) {
        final String s = text.trim();
        int end = 0;
        if (end < s.length() && s.charAt(end) == '-') {
            end++;
        }
        final boolean hex = s.startsWith("0x", end);
        if (hex) {
            end += 2;
        }
        final int digits = end;
        while (end < s.length() && Character.digit(s.charAt(end), hex ? 16 : 10) >= 0) {
            end++;
        }
        if (end == digits) {
            return OptionalLong.empty();
        }
        try {
            final String token = s.substring(0, end);
            if (hex) {
                final boolean negative = token.startsWith("-");
                final long value = Long.parseUnsignedLong(token.substring(negative ? 3 : 2), 16);
                return OptionalLong.of(negative ? -value : value);
            }
            if (token.length() > 1 && token.startsWith("0")) {
                return OptionalLong.of(Long.parseLong(token, 8));
            }
            return OptionalLong.of(Long.parseLong(token));
        } catch (final NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The outermost -y/-yy decoration of an fd argument or result ({@code 4</etc>}, {@code -100 /* AT_FDCWD *}{@code /</tmp>},
     * {@code 3<TCP:[1.2.3.4:5->6.7.8.9:10]>}) without its angle brackets and with escapes decoded; null if none.
     */
    static String decoration(final String text) {
        int i = 0;
        final int n = text.length();
        while (i < n) {
            final char c = text.charAt(i);
            if (c == '"') {
                i = endOfString(text, i);
                continue;
            }
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                final int end = text.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                continue;
            }
            if (c == '<') {
                final int end = endOfDecoration(text, i);
                return end < 0 ? null : text.substring(i + 1, end - 1);
            }
            i++;
        }
        return null;
    }

    /**
     * The path a decoration names: the part before a nested decoration ({@code /dev/null<char 1:3>} → {@code /dev/null}),
     * escapes decoded; null for a socket/pipe/anon decoration or none.
     */
    static String decoratedPath(final String decoration) {
        if (decoration == null || !decoration.startsWith("/")) {
            return null;
        }
        int end = decoration.length();
        for (int i = 0; i < decoration.length(); i++) {
            final char c = decoration.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '<') {
                end = i;
                break;
            }
        }
        return unescape(decoration.substring(0, end));
    }
}
