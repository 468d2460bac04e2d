package io.tether.collector.probe;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IpTextTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, 127.0.0.1",
        "198.18.0.7, 198.18.0.7",
        "0:0:0:0:0:0:0:1, ::1",
        "0:0:0:0:0:0:0:0, ::",
        "2001:db8:0:0:0:0:2:1, 2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
        "fe80:0:0:0:0:0:0:ABCD, fe80::abcd",
        "::ffff:198.18.0.7, 198.18.0.7",
    })
    void formatsAsRfc5952AndUnmapsIpv4(final String input, final String canonical) throws Exception {
        final byte[] raw = InetAddress.getByName(input).getAddress();
        final byte[] bytes = raw.length == 4 && input.startsWith("::ffff:") ? mapped(raw) : raw;
        assertEquals(canonical, IpText.format(bytes));
    }

    /** InetAddress unmaps ::ffff:a.b.c.d itself; rebuild the 16 bytes a socket reports. */
    private static byte[] mapped(final byte[] v4) {
        final byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }
}
