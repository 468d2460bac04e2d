package io.tether.streams.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tether.schemas.model.MigrationSet;
import io.tether.streams.export.ExportFormat;
import io.tether.streams.export.MigrationSetExports;
import io.tether.streams.query.InternalPaths;
import io.tether.streams.query.Json;
import io.tether.streams.query.LocalStores;
import io.tether.streams.query.Lookup;
import io.tether.streams.query.MigrationSetQueries;
import io.tether.streams.query.MigrationSetView;
import io.tether.streams.query.NotFoundException;
import io.tether.streams.query.UnavailableException;
import io.tether.streams.web.WebRoutes;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP API of one instance (DESIGN.md §3): {@code /api/v1/aps}, {@code /api/v1/migration-set}, {@code /health},
 * {@code /metrics}, and the internal endpoints other instances forward queries to ({@link InternalPaths}).
 *
 * <p>Every error is a JSON {@link ApiError}: 400 for a bad parameter, 404 for an unknown AP or path, 405 (with
 * {@code Allow}) for a method other than the path's, 503 with
 * {@code Retry-After} while the answer cannot be read (rebalance, owner down), 500 for anything unexpected — whose
 * details go to the log, never to the caller.
 */
public final class HttpApi implements AutoCloseable {

    public static final String APS = "/api/v1/aps";
    public static final String MIGRATION_SET = "/api/v1/migration-set";
    public static final String HEALTH = "/health";
    public static final String METRICS = "/metrics";

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Javalin app;
    private final WebRoutes web;

    /**
     * @param state the instance's state, or null while it is being created
     */
    public HttpApi(final MigrationSetQueries queries, final LocalStores local, final Supplier<KafkaStreams.State> state,
                   final PrometheusMeterRegistry metrics) {
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            // a POST to a GET route is a wrong method on a path that exists, not a missing path
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            config.requestLogger.http((ctx, millis) -> requestTimer(metrics, ctx).record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS));
        });

        app.get(APS, ctx -> ctx.json(Map.of("aps", queries.aps())));
        app.get(MIGRATION_SET, ctx -> {
            final ExportFormat format = QueryParams.format(ctx);
            final MigrationSetView view = queries.migrationSet(QueryParams.ap(ctx), QueryParams.asOf(ctx));
            if (format == ExportFormat.JSON) {
                ctx.json(view);
            } else {
                ctx.contentType(format.contentType()).result(MigrationSetExports.render(format, view));
            }
        });
        app.get(HEALTH, ctx -> health(ctx, state.get()));
        this.web = WebRoutes.register(app, queries);
        app.get(METRICS, ctx -> ctx.contentType(PROMETHEUS_CONTENT_TYPE).result(metrics.scrape()));

        app.get(InternalPaths.COMPONENT, ctx -> {
            final Lookup<String> lookup = local.componentOf(QueryParams.required(ctx, InternalPaths.KEY),
                QueryParams.partition(ctx, InternalPaths.PARTITION), QueryParams.instant(InternalPaths.AS_OF, ctx.queryParam(InternalPaths.AS_OF)));
            answer(ctx, lookup, componentId -> ctx.contentType("text/plain; charset=utf-8").result(componentId));
        });
        app.get(InternalPaths.MIGRATION_SET, ctx -> {
            final Lookup<MigrationSet> lookup = local.migrationSet(QueryParams.required(ctx, InternalPaths.KEY),
                QueryParams.partition(ctx, InternalPaths.PARTITION), QueryParams.instant(InternalPaths.AS_OF, ctx.queryParam(InternalPaths.AS_OF)));
            answer(ctx, lookup, set -> ctx.contentType("application/octet-stream").result(encode(set)));
        });
        app.get(InternalPaths.ACTIVE_APS, ctx -> ctx.json(local.activeAps()));

        app.exception(BadRequestException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
        app.exception(NotFoundException.class, (e, ctx) -> error(ctx, HttpStatus.NOT_FOUND, e.getMessage()));
        app.exception(UnavailableException.class, (e, ctx) -> {
            ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
            error(ctx, HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        });
        app.exception(HttpResponseException.class, (e, ctx) -> {
            final HttpStatus status = HttpStatus.forStatus(e.getStatus());
            if (status == HttpStatus.METHOD_NOT_ALLOWED) {
                final String allowed = e.getDetails().getOrDefault("availableMethods", "GET");
                ctx.header("Allow", allowed);
                error(ctx, status, "method " + ctx.method() + " is not allowed on " + ctx.path() + "; use " + allowed);
                return;
            }
            error(ctx, status, status == HttpStatus.NOT_FOUND ? "no such path: " + ctx.path() : e.getMessage());
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected error serving {} {}", ctx.method(), ctx.fullUrl(), e);
            error(ctx, HttpStatus.INTERNAL_SERVER_ERROR, "internal error; the server log has the details");
        });
    }

    /** Binds and starts serving; {@code port} 0 picks a free port, see {@link #port()}. */
    public HttpApi start(final String host, final int port) {
        app.start(host, port);
        return this;
    }

    /** The port actually bound. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        web.close();
        app.stop();
    }

    private static void health(final Context ctx, final KafkaStreams.State state) {
        final Map<String, Object> body = new LinkedHashMap<>();
        final boolean up = state == KafkaStreams.State.RUNNING;
        body.put("status", up ? "UP" : "DOWN");
        body.put("state", state == null ? "STARTING" : state.name());
        ctx.status(up ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(body);
    }

    private static <V> void answer(final Context ctx, final Lookup<V> lookup, final java.util.function.Consumer<V> found) {
        if (lookup instanceof Lookup.Found<V> value) {
            found.accept(value.value());
        } else if (lookup instanceof Lookup.Unservable<V> unservable) {
            ctx.header("Retry-After", Integer.toString(UnavailableException.DEFAULT_RETRY_AFTER_SECONDS));
            error(ctx, HttpStatus.SERVICE_UNAVAILABLE, unservable.reason());
        } else {
            error(ctx, HttpStatus.NOT_FOUND, "no such key here");
        }
    }

    private static byte[] encode(final MigrationSet set) {
        try {
            final ByteBuffer buffer = MigrationSet.getEncoder().encode(set);
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void error(final Context ctx, final HttpStatus status, final String message) {
        ctx.status(status).json(new ApiError(status.getCode(), status.getMessage(), message));
    }

    private static Timer requestTimer(final PrometheusMeterRegistry metrics, final Context ctx) {
        String route;
        try {
            route = ctx.endpointHandlerPath();
        } catch (final RuntimeException e) {
            route = "NOT_FOUND";
        }
        return Timer.builder("http.server.requests")
            .description("HTTP requests served, by route and status")
            .tag("method", ctx.method().name())
            .tag("uri", route == null || route.isEmpty() ? "NOT_FOUND" : route)
            .tag("status", Integer.toString(ctx.statusCode()))
            .register(metrics);
    }
}
