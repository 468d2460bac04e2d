package io.tether.streams.app;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Kafka's default production handler, except that a record that cannot be produced (too large, unserialisable, …)
 * is sent to the dead-letter queue and skipped instead of stopping the stream thread. Retriable errors are still
 * retried. The dead-letter record itself is built by Kafka's default handler, so it carries the same headers as
 * every other handler's (source topic, partition, offset, exception class and message).
 */
public final class ContinueProductionExceptionHandler implements ProductionExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ContinueProductionExceptionHandler.class);

    private final DefaultProductionExceptionHandler delegate = new DefaultProductionExceptionHandler();

    @Override
    public void configure(final Map<String, ?> configs) {
        delegate.configure(configs);
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final ProducerRecord<byte[], byte[]> record, final Exception exception) {
        if (exception instanceof RetriableException) {
            return Response.retry();
        }
        LOG.warn("cannot produce to {} (source {}-{}@{}), sent to the dead-letter queue: {}", record.topic(),
            context.topic(), context.partition(), context.offset(), exception.toString());
        return Response.resume(delegate.handleError(context, record, exception).deadLetterQueueRecords());
    }

    @Override
    public Response handleSerializationError(final ErrorHandlerContext context, final ProducerRecord record,
                                             final Exception exception, final SerializationExceptionOrigin origin) {
        LOG.warn("cannot serialise the {} of a record for {} (source {}-{}@{}), sent to the dead-letter queue: {}",
            origin.name().toLowerCase(java.util.Locale.ROOT), record.topic(), context.topic(), context.partition(),
            context.offset(), exception.toString());
        return Response.resume(delegate.handleSerializationError(context, record, exception, origin).deadLetterQueueRecords());
    }
}
