package io.tether.streams.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.tether.streams.query.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** A test client of a server-sent event stream: parses {@code event:}/{@code data:} blocks into a queue. */
final class EventStream implements AutoCloseable {

    record Event(String name, JsonNode data) {
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Stream<String> lines;

    EventStream(final String url) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET().build();
        response = HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        response.thenAcceptAsync(r -> {
            lines = r.body();
            final String[] name = {"message"};
            final StringBuilder data = new StringBuilder();
            try {
                lines.forEach(line -> {
                    if (line.startsWith("event:")) {
                        name[0] = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    } else if (line.isEmpty() && data.length() > 0) {
                        try {
                            events.add(new Event(name[0], Json.MAPPER.readTree(data.toString())));
                        } catch (final IOException e) {
                            throw new IllegalStateException("bad event data: " + data, e);
                        }
                        data.setLength(0);
                        name[0] = "message";
                    }
                });
            } catch (final RuntimeException closed) {
                // the stream was closed by the test
            }
        });
    }

    int status() throws Exception {
        return response.get(30, TimeUnit.SECONDS).statusCode();
    }

    /** The next event; fails the test if none arrives within {@code max} (a hang guard, not a latency check). */
    Event next(final Duration max) throws InterruptedException {
        final Event event = events.poll(max.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(event, "no event within " + max);
        return event;
    }

    @Override
    public void close() {
        final Stream<String> l = lines;
        if (l != null) {
            l.close();
        }
        response.cancel(true);
    }
}
