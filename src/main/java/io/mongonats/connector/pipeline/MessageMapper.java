package io.mongonats.connector.pipeline;

/**
 * Turns a change into the message that is published for it: subject, headers, payload, identity, the size check
 * and, by the collection's policy, a dead-letter record in its place. Pure: no I/O, no clock.
 */
@FunctionalInterface
public interface MessageMapper<C extends Change> {

    /**
     * @param after      where the stream stands once this message is stored; the message carries it, so that the
     *                   stream's last message says where to resume
     * @param maxPayload the server's limit, which the message with its fence headers must not exceed
     * @return the message, or null when the format publishes nothing for this change (an outbox router ignores
     *         updates, for example): the stream's position then moves on with the next message or the next idle read
     * @throws OversizedEventException when the change is too large and the policy is to stop
     */
    OutboundMessage map(C change, AckedPosition after, int maxPayload) throws OversizedEventException;
}
