package io.tether.schemas.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The duration grammar every Tether flag shares: what it accepts, and the one-line message for what it does not. */
class DurationsTest {

    @ParameterizedTest(name = "''{0}'' = {1} ms")
    @CsvSource(delimiter = '|', value = {
        "500ms     | 500",
        "500MS     | 500",
        "30s       | 30000",
        "30S       | 30000",
        "5m        | 300000",
        "5M        | 300000",
        "2h        | 7200000",
        "2H        | 7200000",
        "1d        | 86400000",
        "1D        | 86400000",
        "7d        | 604800000",
        "0         | 0",
        "0s        | 0",
        "0ms       | 0",
        "'  30s '  | 30000",
        "007s      | 7000",
        "PT30S     | 30000",
        "pt30s     | 30000",
        "P1D       | 86400000",
        "p1d       | 86400000",
        "P1DT2H    | 93600000",
        "PT1H30M   | 5400000",
        "PT0.5S    | 500",
        "PT0S      | 0",
        "+PT1S     | 1000",
        "PT-1M61S  | 1000",
    })
    void acceptsTheShortFormsAndIso8601(final String text, final long millis) {
        assertEquals(Duration.ofMillis(millis), Durations.parse(text));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"soon", "5x", "5 s", "1.5h", "30", "ms", "s", "P", "PT", "P1W", "P1M", "P1Y", "PTS",
        "+5s", "5s5m", "1h30m", "PT5", "３０s", "0x10s"})
    void refusesOtherTextNamingItAndTheAcceptedForms(final String text) {
        final String message = refused(text);
        assertTrue(message.startsWith("'" + text.strip() + "' is not a duration"), message);
    }

    @Test
    void aNumberWithoutUnitSaysSoUnlessItIsZero() {
        assertTrue(refused("30").contains("(it has no unit)"), refused("30"));
        assertEquals(Duration.ZERO, Durations.parse("0"));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"-5s", "-0", "-1ms", "-PT5S", "PT-5S", "-p1d", "PT1H-61M", "P-1DT1H"})
    void refusesNegativeDurationsSayingSo(final String text) {
        assertEquals("'" + text + "' is not a duration (it is negative); " + Durations.ACCEPTED_FORMS, refused(text));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"", "   ", "\t"})
    void refusesEmptyText(final String text) {
        assertEquals("'' is not a duration (it is empty); " + Durations.ACCEPTED_FORMS, refused(text));
    }

    @Test
    void refusesNull() {
        assertEquals("'' is not a duration (it is empty); " + Durations.ACCEPTED_FORMS, refused(null));
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {
        "99999999999999999999s",           // more digits than a long holds
        "9223372036854775807d",            // a long, but too many seconds for a Duration
        "9223372036854775807ms",           // a Duration, but more nanoseconds than a long holds
        "106752d",                         // just above MAX
        "PT9999999999999999999999S",
        "P9999999999999999D",
        "PT9223372036.854775808S",         // MAX plus one nanosecond
    })
    void refusesDurationsTooLongToConvertSafely(final String text) {
        assertEquals("'" + text + "' is not a duration (it is longer than the maximum of about 292 years); "
            + Durations.ACCEPTED_FORMS, refused(text));
    }

    @Test
    void acceptsUpToTheMaximumAndThatStillConvertsToNanoseconds() {
        assertEquals(Durations.MAX, Durations.parse("PT9223372036.854775807S"));
        assertEquals(Long.MAX_VALUE, Durations.parse("PT9223372036.854775807S").toNanos());
        final Duration longestInDays = Durations.parse("106751d");
        assertEquals(Duration.ofDays(106_751).toNanos(), longestInDays.toNanos());
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"0", "0s", "0ms", "0D", "PT0S", "P0D", "-PT0S"})
    void parsePositiveRefusesZero(final String text) {
        assertEquals(Duration.ZERO, Durations.parse(text), "zero where zero is allowed");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parsePositive(text));
        assertEquals("'" + text + "' is zero, but this needs a duration greater than zero, e.g. "
            + Durations.POSITIVE_EXAMPLES, e.getMessage());
        assertFalse(e.getMessage().contains(", 0,"), "zero is not offered as a remedy: " + e.getMessage());
    }

    @Test
    void parsePositiveAcceptsTheSameGrammarAndRefusesTheSameMistakes() {
        assertEquals(Duration.ofMillis(1), Durations.parsePositive("1ms"));
        assertEquals(Duration.ofNanos(1), Durations.parsePositive("PT0.000000001S"));
        assertEquals(Duration.ofDays(1), Durations.parsePositive("P1D"));
        assertEquals(refused("-5s"), assertThrows(IllegalArgumentException.class, () -> Durations.parsePositive("-5s"))
            .getMessage());
        assertEquals(refused("soon"), assertThrows(IllegalArgumentException.class, () -> Durations.parsePositive("soon"))
            .getMessage());
    }

    @Test
    void everyMessageIsOneLineListingTheAcceptedForms() {
        for (final String text : new String[] {"soon", "-5s", "", "106752d", "30"}) {
            final String message = refused(text);
            assertTrue(message.endsWith("; " + Durations.ACCEPTED_FORMS), message);
            assertEquals(1, message.lines().count(), message);
        }
    }

    private static String refused(final String text) {
        return assertThrows(IllegalArgumentException.class, () -> Durations.parse(text)).getMessage();
    }
}
