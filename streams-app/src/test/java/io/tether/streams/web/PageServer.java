package io.tether.streams.web;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.tether.schemas.identity.ApId;
import io.tether.schemas.model.AppMember;
import io.tether.schemas.model.MigrationSet;
import io.tether.streams.api.ApiError;
import io.tether.streams.export.ExportFormat;
import io.tether.streams.export.MigrationSetExports;
import io.tether.streams.query.ApEntry;
import io.tether.streams.query.Json;
import io.tether.streams.query.MigrationSetView;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real HTTP server on loopback with {@link WebRoutes} registered, answering {@code /api/v1/aps} and
 * {@code /api/v1/migration-set} from migration sets the test puts in, through the query layer's own
 * {@link MigrationSetView} and the exports' own hook. It stands in for Kafka Streams' stores only: what the page,
 * the event stream and the CLI see goes through the same classes the app serves them with.
 */
public final class PageServer implements AutoCloseable {

    private final Map<String, MigrationSet> components = new ConcurrentHashMap<>();
    private final Javalin app;
    private final WebRoutes web;
    private volatile RuntimeException failure;

    public PageServer(final Duration pollInterval) {
        app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
        });
        app.get("/api/v1/aps", ctx -> ctx.json(Map.of("aps", components.values().stream()
            .flatMap(set -> set.getApps().stream().map(a -> ApEntry.of(a.getAp(), set.getComponentId())))
            .sorted((a, b) -> a.ap().compareTo(b.ap())).toList())));
        app.get("/api/v1/migration-set", ctx -> {
            final ExportFormat format;
            final ApId ap;
            try {
                format = ExportFormat.parse(ctx.queryParam("format"));
                ap = ApId.parse(ctx.queryParam("ap"));
            } catch (final IllegalArgumentException e) {
                ctx.status(400).json(new ApiError(400, "Bad Request", e.getMessage()));
                return;
            }
            final Optional<MigrationSetView> view = find(ap);
            if (view.isEmpty()) {
                ctx.status(404).json(new ApiError(404, "Not Found", "unknown AP " + ap));
            } else if (format == ExportFormat.JSON) {
                ctx.json(view.get());
            } else {
                ctx.contentType(format.contentType()).result(MigrationSetExports.render(format, view.get()));
            }
        });
        web = WebRoutes.register(app, this::find, pollInterval);
        app.start("127.0.0.1", 0);
    }

    /** Puts a component in, replacing the components of every AP it holds (as a merge does). */
    public void put(final MigrationSet set) {
        final List<String> aps = set.getApps().stream().map(AppMember::getAp).toList();
        components.values().removeIf(old -> old.getApps().stream().anyMatch(a -> aps.contains(a.getAp())));
        components.put(set.getComponentId(), set);
    }

    /** Makes every lookup fail until {@code null} is set, as a rebalance does. */
    public void failLookups(final RuntimeException e) {
        this.failure = e;
    }

    public String url() {
        return "http://127.0.0.1:" + app.port();
    }

    private Optional<MigrationSetView> find(final ApId ap) {
        final RuntimeException f = failure;
        if (f != null) {
            throw f;
        }
        final String key = ap.toString();
        return components.values().stream()
            .filter(set -> set.getApps().stream().anyMatch(a -> a.getAp().equals(key)))
            .findFirst()
            .map(set -> MigrationSetView.of(key, set, null));
    }

    @Override
    public void close() {
        web.close();
        app.stop();
    }
}
