package io.tether.collector.probe;

/**
 * Canonical text of an IP address as the schemas want it (SocketAddress.ip): IPv4 dotted quad, IPv6 in RFC 5952 form
 * (lower case, longest run of two or more zero groups as "::"), and IPv4-mapped IPv6 written as plain IPv4, so that
 * both ends of a connection spell the same address the same way whatever the socket family.
 */
public final class IpText {
    private IpText() {
    }

    /** @param addr 4 or 16 bytes in network order */
    public static String format(final byte[] addr) {
        if (addr.length == 4) {
            return v4(addr, 0);
        }
        if (addr.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + addr.length);
        }
        if (isV4Mapped(addr)) {
            return v4(addr, 12);
        }
        final int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((addr[2 * i] & 0xff) << 8) | (addr[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        final StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }

    private static boolean isV4Mapped(final byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    private static String v4(final byte[] a, final int off) {
        return (a[off] & 0xff) + "." + (a[off + 1] & 0xff) + "." + (a[off + 2] & 0xff) + "." + (a[off + 3] & 0xff);
    }
}
