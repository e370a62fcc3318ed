package io.mongonats.connector.message;

import io.mongonats.connector.config.CollectionSpec;
import io.mongonats.connector.pipeline.AckedPosition;
import io.mongonats.connector.pipeline.MessageHeaders;
import io.mongonats.connector.pipeline.MessageMapper;
import io.mongonats.connector.pipeline.OutboundMessage;
import io.mongonats.connector.pipeline.OversizedEventException;
import io.mongonats.connector.source.ChangeEvent;

import java.util.HashMap;
import java.util.Map;

/**
 * The change-event format: the change event itself as relaxed Extended JSON on {@code <prefix>.<operationType>},
 * identified by its resume token. One per worker: it reuses an encoding buffer and is not thread-safe.
 */
public final class ChangeEventMapper implements MessageMapper<ChangeEvent> {

    private final CollectionSpec spec;
    private final String replicaId;
    private final String epoch;
    private final JsonEncoder json = new JsonEncoder();
    private final Map<String, String> subjects = new HashMap<>();

    public ChangeEventMapper(CollectionSpec spec, String replicaId, long leaseEpoch) {
        this.spec = spec;
        this.replicaId = replicaId;
        this.epoch = Long.toString(leaseEpoch);
    }

    @Override
    public OutboundMessage map(ChangeEvent event, AckedPosition after, int maxPayload) throws OversizedEventException {
        byte[] payload = json.encode(event.raw());
        MessageHeaders headers = new MessageHeaders()
                .add(HeaderNames.DATABASE, spec.database())
                .add(HeaderNames.COLLECTION, spec.collection())
                .add(HeaderNames.OPERATION, event.operationType())
                .add(HeaderNames.REPLICA, replicaId)
                .add(HeaderNames.LEASE_EPOCH, epoch);
        if (event.clusterTime() != null) {
            headers.add(HeaderNames.CLUSTER_TIME, event.clusterTime());
        }
        Positions.stamp(headers, event, after);
        String messageId = event.messageId();
        int size = payload.length + headers.serializedLength() + HeaderNames.fenceLength(messageId, spec.stream());
        if (size <= maxPayload) {
            String subject = subjects.computeIfAbsent(event.operationType(),
                    operation -> Subjects.forOperation(spec.subjectPrefix(), operation));
            return new OutboundMessage(subject, messageId, headers, payload, false);
        }
        if (spec.onOversized() == CollectionSpec.OversizedPolicy.STOP) {
            throw new OversizedEventException(spec.namespace(), event.documentKey().toJson(), size, maxPayload);
        }
        headers.add(HeaderNames.DEAD_LETTER_REASON, "oversized");
        return new OutboundMessage(spec.deadLetterSubject(), messageId, headers,
                DeadLetterRecord.oversized(spec.namespace(), event, size, maxPayload), true);
    }
}
