package io.tether.streams.export;

import java.util.List;

/**
 * One member of a migration set as one CSV row: an APP (member = {@code program@host}), a FILE (member = path,
 * with its host) or an EXTERNAL endpoint (member = address, host = the host of the member AP that talks to it).
 *
 * @param kind      APP, FILE or EXTERNAL
 * @param member    the AP, the file path or the endpoint address
 * @param host      the host the member lives on (for EXTERNAL: the host that must keep reaching it)
 * @param program   APP: the program; else empty
 * @param pids      APP: its pids, ascending; else empty
 * @param transfer  FILE: COPY or MOVE; EXTERNAL: EXTERNAL; APP: CHECKPOINT
 * @param usedBy    FILE: {@code ap=READ|WRITE} per user; EXTERNAL: the member AP; APP: empty
 * @param protocol  EXTERNAL: the transport; else empty
 * @param direction EXTERNAL: OUTBOUND or INBOUND; else empty
 * @param why       the chain of couplings that pulls the member in
 */
public record MemberRow(String kind, String member, String host, String program, List<Integer> pids,
                        String transfer, List<String> usedBy, String protocol, String direction, String why) {

    public static final String APP = "APP";
    public static final String FILE = "FILE";
    public static final String EXTERNAL = "EXTERNAL";

    /** The CSV header, in column order. */
    public static final List<String> COLUMNS = List.of(
        "kind", "member", "host", "program", "pids", "transfer", "used_by", "protocol", "direction", "why");

    public MemberRow {
        pids = List.copyOf(pids);
        usedBy = List.copyOf(usedBy);
    }
}
