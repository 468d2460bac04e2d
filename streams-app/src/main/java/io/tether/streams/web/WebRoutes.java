package io.tether.streams.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.tether.schemas.identity.ApId;
import io.javalin.http.HttpStatus;
import io.tether.streams.api.ApiError;
import io.tether.streams.export.MigrationPlanner;
import io.tether.streams.query.MigrationSetQueries;
import io.tether.streams.query.MigrationSetView;
import io.tether.streams.web.internals.SetChangeFeed;
import io.tether.streams.web.internals.WebAssets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The page and what only the page and the plan need, registered on the HTTP server with one call:
 * <ul>
 *   <li>{@code GET /} the graph page, {@code GET /web/*} its script and style, {@code GET /vendor/*} the graph
 *       library from its WebJars — all served from the jar, nothing to build or fetch on the user's machine;</li>
 *   <li>{@code GET /api/v1/migration-set/stream?ap=} server-sent events: a {@code set} event whenever the AP's
 *       migration set changes (see {@link SetChangeFeed} for why it polls the store); the page then re-reads
 *       {@code GET /api/v1/migration-set}, so it shows exactly what the API answers;</li>
 *   <li>{@code GET /api/v1/plan?ap=} the migration plan as JSON.</li>
 * </ul>
 * The {@code /api/v1/aps} and {@code /api/v1/migration-set} routes the page reads belong to the query layer.
 */
public final class WebRoutes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebRoutes.class);

    /** How often a watched AP's set is looked up; the page lags a change by at most this. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    /** Open event streams per instance; each costs a connection, and a watched AP costs a lookup per interval. */
    public static final int MAX_STREAMS = 512;
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final MigrationSetLookup lookup;
    private final SetChangeFeed feed;
    private final WebAssets assets = new WebAssets();
    private final Set<SseClient> streams = ConcurrentHashMap.newKeySet();

    private WebRoutes(final MigrationSetLookup lookup, final Duration pollInterval) {
        this.lookup = lookup;
        this.feed = new SetChangeFeed(lookup, pollInterval, MAX_STREAMS);
        // Proxies close idle connections; a comment every few seconds keeps the stream open and finds dead clients.
        feed.every(KEEP_ALIVE, () -> streams.forEach(s -> s.sendComment("keep-alive")));
    }

    /** Registers the routes over the query layer, with the default poll interval. Close the result when the server stops. */
    public static WebRoutes register(final Javalin app, final MigrationSetQueries queries) {
        return register(app, MigrationSetLookup.of(queries), DEFAULT_POLL_INTERVAL);
    }

    /** Registers the routes with the default poll interval. Close the result when the server stops. */
    public static WebRoutes register(final Javalin app, final MigrationSetLookup lookup) {
        return register(app, lookup, DEFAULT_POLL_INTERVAL);
    }

    public static WebRoutes register(final Javalin app, final MigrationSetLookup lookup, final Duration pollInterval) {
        final WebRoutes routes = new WebRoutes(lookup, pollInterval);
        app.get("/", ctx -> routes.serve(ctx, routes.assets.own("index.html")));
        app.get("/web/{name}", ctx -> routes.serve(ctx, routes.assets.own(ctx.pathParam("name"))));
        app.get("/vendor/{name}", ctx -> routes.serve(ctx, routes.assets.vendor(ctx.pathParam("name"))));
        app.get("/api/v1/plan", routes::plan);
        // Validation runs before the stream opens: once it is open the status is 200 and can no longer say 400.
        app.before("/api/v1/migration-set/stream", routes::validateStream);
        app.sse("/api/v1/migration-set/stream", routes::stream);
        return routes;
    }

    private void serve(final Context ctx, final Optional<WebAssets.Asset> asset) {
        if (asset.isEmpty()) {
            error(ctx, 404, "no such file: " + ctx.path());
            return;
        }
        ctx.header("Cache-Control", "no-cache").contentType(asset.get().contentType()).result(asset.get().bytes());
    }

    private void plan(final Context ctx) {
        final Optional<ApId> ap = apParam(ctx);
        if (ap.isEmpty()) {
            return;
        }
        // the plan is made from the set as it is now: answering a question about the past with today's plan, as an
        // ignored asOf did, would be wrong without a word
        if (ctx.queryParam("asOf") != null) {
            error(ctx, 400, "query parameter 'asOf' is not supported by the plan, which describes the set as it is now; "
                + "GET /api/v1/migration-set?ap=...&asOf=... shows a past set");
            return;
        }
        final Optional<MigrationSetView> set;
        try {
            set = lookup.find(ap.get());
        } catch (final RuntimeException e) {
            LOG.debug("plan lookup failed for {}", ap.get(), e);
            ctx.header("Retry-After", "1");
            error(ctx, 503, "the migration set cannot be read right now, retry shortly: " + e.getMessage());
            return;
        }
        if (set.isEmpty()) {
            error(ctx, 404, MigrationSetQueries.unknownAp(ap.get().toString()));
            return;
        }
        ctx.json(MigrationPlanner.plan(set.get()));
    }

    private void validateStream(final Context ctx) {
        if (apParam(ctx).isEmpty()) {
            ctx.skipRemainingHandlers();
        } else if (feed.subscriberCount() >= MAX_STREAMS) {
            error(ctx, 503, "too many open event streams on this instance (" + MAX_STREAMS + "), retry later");
            ctx.skipRemainingHandlers();
        }
    }

    private void stream(final SseClient client) {
        final ApId ap = ApId.parse(client.ctx().queryParam("ap"));
        final Optional<SetChangeFeed.Subscription> subscription = feed.subscribe(ap, change -> {
            if (client.terminated()) {
                throw new IllegalStateException("event stream closed");
            }
            client.sendEvent("set", change, Long.toString(change.version()));
        });
        if (subscription.isEmpty()) {
            client.sendEvent("error", new ApiError(503, "Service Unavailable", "too many open event streams, retry later"));
            client.close();
            return;
        }
        streams.add(client);
        client.onClose(() -> {
            streams.remove(client);
            subscription.get().close();
        });
        client.keepAlive();
    }

    /** Reads {@code ap}; on a bad value answers 400 and returns empty. */
    private static Optional<ApId> apParam(final Context ctx) {
        final String text = ctx.queryParam("ap");
        if (text == null || text.isBlank()) {
            error(ctx, 400, "missing query parameter 'ap' (program@hostId, e.g. /usr/sbin/nginx@web-1)");
            return Optional.empty();
        }
        try {
            return Optional.of(ApId.parse(text));
        } catch (final IllegalArgumentException e) {
            error(ctx, 400, "bad query parameter 'ap': " + e.getMessage());
            return Optional.empty();
        }
    }

    private static void error(final Context ctx, final int status, final String message) {
        final HttpStatus code = HttpStatus.forStatus(status);
        ctx.status(code).json(new ApiError(status, code.getMessage(), message));
    }

    @Override
    public void close() {
        feed.close();
        streams.forEach(SseClient::close);
        streams.clear();
    }
}
