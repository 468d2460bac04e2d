package io.tether.streams.query;

import java.util.List;

/**
 * Why one member is in the queried AP's migration set: the chain of couplings that pulls it in.
 *
 * @param member    the member: an AP ({@code program@hostId}) or a file ({@code host:path})
 * @param type      {@code AP} or {@code FILE}
 * @param reachable false when the set's couplings do not connect the member to the queried AP (a set read while its
 *                  component was being re-computed); the chain is then empty
 * @param chain     the steps from the queried AP to the member; empty for the queried AP itself
 */
public record WhyPath(String member, String type, boolean reachable, List<WhyStep> chain) {

    public static final String AP = "AP";
    public static final String FILE = "FILE";
}
