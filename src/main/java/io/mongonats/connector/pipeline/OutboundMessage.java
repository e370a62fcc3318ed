package io.mongonats.connector.pipeline;

/**
 * A message ready to publish, before the sink adds its identity and fence headers.
 *
 * @param messageId    the de-duplication id ({@code Nats-Msg-Id})
 * @param deadLettered this is a dead-letter record standing in for a change that could not be published
 */
public record OutboundMessage(String subject, String messageId, MessageHeaders headers, byte[] payload,
                              boolean deadLettered) {
}
