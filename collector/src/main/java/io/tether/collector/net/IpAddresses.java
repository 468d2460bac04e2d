package io.tether.collector.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Canonical text of IP addresses as the event schema requires it (SocketAddress.ip): IPv4 dotted quad, IPv6 in
 * RFC 5952 form (lower case, longest run of zero groups compressed), IPv4-mapped IPv6 written as IPv4. Both the
 * /proc scanner and the probe reader format through here, so the two sides of a connection always compare equal.
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /** Formats a 4- or 16-byte address in network byte order. */
    public static String canonical(final byte[] address) {
        if (address.length == 4) {
            return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "." + (address[3] & 0xff);
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, got " + address.length);
        }
        if (isV4Mapped(address)) {
            return (address[12] & 0xff) + "." + (address[13] & 0xff) + "." + (address[14] & 0xff) + "." + (address[15] & 0xff);
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (address[2 * i] & 0xff) << 8 | address[2 * i + 1] & 0xff;
        }
        // RFC 5952 4.2: compress the longest run (first on ties) of at least two zero groups
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        final StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** Canonical text of any textual or resolved address. */
    public static String canonical(final InetAddress address) {
        return canonical(address.getAddress());
    }

    /** Parses a literal IP address (never resolves names) and returns its canonical text. */
    public static String canonicalLiteral(final String literal) {
        // only hex digits, dots and colons: InetAddress.getByName must never fall back to a name lookup
        if (literal.isEmpty() || !literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            throw new IllegalArgumentException("not an IP address literal: " + literal);
        }
        try {
            final InetAddress parsed = InetAddress.getByName(literal);
            if (!(parsed instanceof Inet4Address) && !(parsed instanceof Inet6Address)) {
                throw new IllegalArgumentException("not an IP address literal: " + literal);
            }
            return canonical(parsed);
        } catch (final UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address literal: " + literal, e);
        }
    }

    /** Loopback addresses are only unique within one host (and network namespace). */
    public static boolean isLoopback(final String canonical) {
        return canonical.startsWith("127.") || canonical.equals("::1");
    }

    private static boolean isV4Mapped(final byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }
}
