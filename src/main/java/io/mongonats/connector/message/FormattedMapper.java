package io.mongonats.connector.message;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.config.NameEscaping;
import io.mongonats.connector.config.MessageFormat;
import io.mongonats.connector.pipeline.AckedPosition;
import io.mongonats.connector.pipeline.MessageHeaders;
import io.mongonats.connector.pipeline.MessageMapper;
import io.mongonats.connector.pipeline.OutboundMessage;
import io.mongonats.connector.pipeline.OversizedEventException;
import io.mongonats.connector.source.ChangeEvent;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;

import java.nio.charset.StandardCharsets;

/**
 * The steps every format shares: the collection's headers, the document key, CloudEvents headers when enabled, the
 * position the message leaves the stream at, the size check and the dead-letter record in place of a change that
 * cannot be published. The format decides the subject, the id and the payload. One per worker: formats reuse
 * encoding buffers, so it is not thread-safe.
 */
public final class FormattedMapper implements MessageMapper<ChangeEvent> {

    private final CollectionSpec spec;
    private final Format format;
    private final String replicaId;
    private final String epoch;
    private final CloudEventHeaders cloudEvents;
    private final String databaseHeader;
    private final String collectionHeader;
    private final JsonEncoder keyJson = new JsonEncoder(JsonMode.EXTENDED);

    FormattedMapper(CollectionSpec spec, Format format, String replicaId, long leaseEpoch) {
        this.spec = spec;
        this.format = format;
        this.replicaId = replicaId;
        this.epoch = Long.toString(leaseEpoch);
        this.databaseHeader = NameEscaping.headerValue(spec.database());
        this.collectionHeader = NameEscaping.headerValue(spec.collection());
        this.cloudEvents = spec.format().cloudEvents() ? new CloudEventHeaders(spec.database(), spec.collection()) : null;
    }

    /** The mapper of the collection's configured format and encoding. */
    public static FormattedMapper forCollection(CollectionSpec spec, String replicaId, long leaseEpoch) {
        MessageFormat settings = spec.format();
        PayloadEncoder encoder = PayloadEncoder.of(settings.encoding());
        Format format = switch (settings.kind()) {
            case CHANGE_EVENT -> new ChangeEventFormat(new OperationSubjects(spec.subjectPrefix()), encoder);
            case FULL_DOCUMENT -> new FullDocumentFormat(new OperationSubjects(spec.subjectPrefix()), encoder);
            case OUTBOX -> new OutboxFormat(spec.subjectPrefix(), settings.outbox(), encoder);
        };
        return new FormattedMapper(spec, format, replicaId, leaseEpoch);
    }

    /** Null when the format publishes nothing for this change (an outbox update, for example). */
    @Override
    public OutboundMessage map(ChangeEvent event, AckedPosition after, int maxPayload) throws OversizedEventException {
        Rendering rendering = format.render(event);
        if (rendering instanceof Rendering.Skip) {
            return null;
        }
        if (rendering instanceof Rendering.Reject reject) {
            return deadLetter(event, after, reject.messageId(), reject.reason(),
                    DeadLetterRecord.rejected(spec.namespace(), event, reject));
        }
        Rendering.Publish publish = (Rendering.Publish) rendering;
        MessageHeaders headers = collectionHeaders(event);
        MessageHeaders own = publish.headers();
        for (int i = 0; own != null && i < own.size(); i++) {
            headers.add(own.name(i), own.value(i));
        }
        if (cloudEvents != null) {
            cloudEvents.add(headers, publish.messageId(), publish.eventType(), event.eventTimeMillis(),
                    publish.contentType());
        }
        Positions.stamp(headers, event, after);
        int size = publish.payload().length + headers.serializedLength()
                + HeaderNames.fenceLength(publish.messageId(), spec.stream());
        if (size <= maxPayload) {
            return new OutboundMessage(publish.subject(), publish.messageId(), headers, publish.payload(), false);
        }
        if (spec.onOversized() == CollectionSpec.OversizedPolicy.STOP) {
            throw new OversizedEventException(spec.namespace(), event.documentKey().toJson(), size, maxPayload);
        }
        return deadLetter(event, after, publish.messageId(), DeadLetterRecord.OVERSIZED,
                DeadLetterRecord.oversized(spec.namespace(), event, size, maxPayload));
    }

    private MessageHeaders collectionHeaders(ChangeEvent event) {
        MessageHeaders headers = new MessageHeaders()
                .add(HeaderNames.DATABASE, databaseHeader)
                .add(HeaderNames.COLLECTION, collectionHeader)
                .add(HeaderNames.OPERATION, event.operationType())
                .add(HeaderNames.REPLICA, replicaId)
                .add(HeaderNames.LEASE_EPOCH, epoch);
        if (format.headerValue() != null) {
            headers.add(HeaderNames.FORMAT, format.headerValue());
        }
        if (event.clusterTime() != null) {
            headers.add(HeaderNames.CLUSTER_TIME, event.clusterTime());
        }
        BsonDocument key = event.documentKey();
        if (!key.isEmpty()) {
            headers.add(HeaderNames.DOCUMENT_KEY, documentKeyHeader(key));
        }
        return headers;
    }

    /** The key as canonical Extended JSON, transcoded straight from its bytes when it is printable ASCII. */
    private String documentKeyHeader(BsonDocument key) {
        if (key instanceof RawBsonDocument raw) {
            byte[] json = keyJson.encode(raw);
            if (HeaderValues.printable(json)) {
                return new String(json, StandardCharsets.ISO_8859_1);
            }
        }
        return HeaderValues.canonicalJson(key);
    }

    /** A record in place of the change, with the collection's headers and the position, never the event's own. */
    private OutboundMessage deadLetter(ChangeEvent event, AckedPosition after, String messageId, String reason,
                                       byte[] record) {
        MessageHeaders headers = collectionHeaders(event);
        Positions.stamp(headers, event, after);
        headers.add(HeaderNames.DEAD_LETTER_REASON, reason);
        return new OutboundMessage(spec.deadLetterSubject(), messageId, headers, record, true);
    }
}
