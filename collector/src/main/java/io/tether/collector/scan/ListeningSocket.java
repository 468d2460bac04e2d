package io.tether.collector.scan;

import io.tether.schemas.event.Protocol;

/**
 * A socket a covered process listens on, as the last scan saw it. There is no event type for "listens" (the
 * coupling needs an accepted connection); scans report them so callers can see the server side of a host.
 */
public record ListeningSocket(int pid, long startTime, Protocol protocol, String ip, int port, String path) {
}
