package io.mongonats.connector.readmodel;

import java.util.Map;

/**
 * One message fetched from the sink's consumer, as plain data.
 *
 * @param sequence   the stream sequence: the version a target document records
 * @param deliveries how many times JetStream has delivered it, this time included
 * @param headers    the first value of each header
 */
public record InboundMessage(String subject, long sequence, long deliveries, Map<String, String> headers, byte[] payload) {

    public InboundMessage {
        headers = Map.copyOf(headers);
    }

    public String header(String name) {
        return headers.get(name);
    }
}
