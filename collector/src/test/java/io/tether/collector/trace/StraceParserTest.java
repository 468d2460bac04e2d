package io.tether.collector.trace;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parser on strace output captured on this machine (strace 6.1, -f -yy -ttt -X verbose --seccomp-bpf). */
class StraceParserTest {
    @Test
    void everyLineOfARealTraceIsReadAndEverySplitCallJoined() {
        final StraceParser parser = new StraceParser();
        final List<StraceRecord> records = Fixtures.records(parser, "trace_pair.txt");
        assertEquals(0, parser.unreadable());
        assertEquals(0, parser.orphanHalves());
        assertEquals(0, parser.pendingHalves());
        // 49 lines, 7 of them first halves whose second halves complete a record
        assertEquals(parser.lines() - 7, records.size());
    }

    @Test
    void anAcceptSplitByAnotherTasksLinesKeepsBothHalvesAndTheReturnTime() {
        final List<StraceRecord> records = Fixtures.records(new StraceParser(), "trace_pair.txt");
        final StraceRecord.Syscall accept = syscall(records, "accept4");
        assertEquals(25005, accept.tid());
        assertEquals(1795682388_734071L, accept.timeMicros(), "the time of the resumed half (the return)");
        assertEquals("3<TCP:[127.0.0.1:45493]>", accept.arg(0));
        assertEquals(4, accept.args().size());
        assertEquals(4, accept.returnValue());
        assertEquals("TCP:[127.0.0.1:45493->127.0.0.1:42484]", accept.returnDecoration());

        final StraceRecord.Syscall connect = syscall(records, "connect");
        assertEquals(25006, connect.tid());
        assertEquals("4<TCP:[17671139]>", connect.arg(0));
        assertEquals(0, connect.returnValue());
        assertEquals(3, connect.args().size());

        final StraceRecord.Syscall childClose = records.stream().filter(StraceRecord.Syscall.class::isInstance)
                .map(StraceRecord.Syscall.class::cast).filter(s -> s.tid() == 25006 && s.name().equals("close")
                        && s.arg(0).contains("->")).findFirst().orElseThrow();
        assertEquals("TCP:[127.0.0.1:42484->127.0.0.1:45493]", StraceSyntax.decoration(childClose.arg(0)),
                "a close split by the parent's close: the fd decoration of its first half");

        final StraceRecord.Syscall vforkedExec = records.stream().filter(StraceRecord.Syscall.class::isInstance)
                .map(StraceRecord.Syscall.class::cast).filter(s -> s.tid() == 25009 && s.name().equals("execve"))
                .findFirst().orElseThrow();
        assertEquals(List.of("cat", "written.txt"), StraceSyntax.stringArray(vforkedExec.arg(1)));
        assertEquals("/usr/bin/cat", StraceSyntax.string(vforkedExec.arg(0)));
    }

    @Test
    void failedCallsKeepTheirErrnoAndFdDecorationsTheirPaths() {
        final List<StraceRecord> records = Fixtures.records(new StraceParser(), "trace_pair.txt");
        final StraceRecord.Syscall missing = records.stream().filter(StraceRecord.Syscall.class::isInstance)
                .map(StraceRecord.Syscall.class::cast).filter(s -> s.arg(1).equals("\"no-such-file.txt\""))
                .findFirst().orElseThrow();
        assertEquals(-1, missing.returnValue());
        assertEquals("ENOENT", missing.errno());
        assertEquals("/etc", StraceSyntax.decoratedPath(StraceSyntax.decoration(missing.arg(0))));
        assertEquals(0x80000, StraceSyntax.leadingNumber(missing.arg(2)).orElseThrow());

        final StraceRecord.Syscall devNull = Fixtures.records(new StraceParser(), "ipv6_refused_dev.txt").stream()
                .filter(StraceRecord.Syscall.class::isInstance).map(StraceRecord.Syscall.class::cast)
                .filter(s -> s.arg(2).startsWith("0x42")).findFirst().orElseThrow();
        assertEquals("/dev/null", StraceSyntax.decoratedPath(devNull.returnDecoration()), "nested <char 1:3> dropped");
        assertEquals(0666, StraceSyntax.leadingNumber(devNull.arg(3)).orElseThrow(), "octal mode");
    }

    @Test
    void damagedLinesAreCountedAndSkippedNeverThrown() {
        final StraceParser parser = new StraceParser();
        final List<StraceRecord> records = Fixtures.records(parser, "damaged.txt");
        assertEquals(2, parser.unreadable(), "a cut line and a line that is not a trace line");
        assertEquals(2, parser.orphanHalves(), "two resumed halves whose first halves were never seen");
        assertEquals(0, parser.pendingHalves(), "the unfinished connect was dropped when its task exited");
        assertEquals(3, records.size());
        final StraceRecord.TaskEnd exited = (StraceRecord.TaskEnd) records.get(0);
        assertEquals(3, exited.exitCode());
        final StraceRecord.TaskEnd killed = (StraceRecord.TaskEnd) records.get(2);
        assertNull(killed.exitCode());
        assertEquals("SIGKILL", killed.signal());
        assertTrue(records.get(1) instanceof StraceRecord.Syscall s && s.name().equals("openat"));
    }

    @Test
    void stringsWithEscapesQuotesAndCommasStayOneArgument() {
        final StraceParser parser = new StraceParser();
        final StraceRecord.Syscall call = (StraceRecord.Syscall) parser.parse(
                "77 1795682141.000001 openat(-100 /* AT_FDCWD */</tmp/a\\x20b>, \"x, \\\"y\\\")\\n\\303\\251\","
                        + " 0x241 /* O_WRONLY|O_CREAT|O_TRUNC */, 0644) = 3</tmp/a b/x, \"y\")\\n\\303\\251>").orElseThrow();
        assertEquals(4, call.args().size());
        assertEquals("x, \"y\")\n\u00e9", StraceSyntax.string(call.arg(1)));
        assertEquals("/tmp/a b", StraceSyntax.decoratedPath(StraceSyntax.decoration(call.arg(0))));
        assertEquals(3, call.returnValue());
    }

    private static StraceRecord.Syscall syscall(final List<StraceRecord> records, final String name) {
        return records.stream().filter(StraceRecord.Syscall.class::isInstance).map(StraceRecord.Syscall.class::cast)
                .filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }
}
