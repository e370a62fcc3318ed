package io.mongonats.connector.it;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.data.BytesCloudEventData;
import io.cloudevents.core.message.impl.BaseGenericBinaryMessageReaderImpl;
import io.cloudevents.core.message.impl.MessageUtils;
import io.nats.client.Message;
import io.nats.client.impl.Headers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Reads a NATS message in CloudEvents binary mode with the CloudEvents SDK, as a consumer would: each {@code ce-}
 * header an attribute (percent-decoded), {@code content-type} the data content type, the payload the data. The
 * SDK validates the result (spec version, required attributes, source URI, time).
 */
final class NatsCloudEvents {

    private NatsCloudEvents() {
    }

    static CloudEvent read(Message message) {
        Headers headers = message.getHeaders();
        return MessageUtils.parseStructuredOrBinaryMessage(
                () -> headers.getFirst("content-type"),
                format -> {
                    throw new IllegalStateException("a structured-mode message where binary mode was expected");
                },
                () -> headers.getFirst("ce-specversion"),
                version -> new Reader(version, message.getData(), headers)).toEvent();
    }

    private static final class Reader extends BaseGenericBinaryMessageReaderImpl<String, String> {
        private final Headers headers;

        Reader(SpecVersion version, byte[] data, Headers headers) {
            super(version, data == null || data.length == 0 ? null : BytesCloudEventData.wrap(data));
            this.headers = headers;
        }

        @Override
        protected boolean isContentTypeHeader(String key) {
            return key.equalsIgnoreCase("content-type");
        }

        @Override
        protected boolean isCloudEventsHeader(String key) {
            return key.regionMatches(true, 0, "ce-", 0, 3);
        }

        @Override
        protected String toCloudEventsKey(String key) {
            return key.substring(3).toLowerCase(java.util.Locale.ROOT);
        }

        @Override
        protected void forEachHeader(BiConsumer<String, String> fn) {
            headers.forEach((key, values) -> fn.accept(key, values.get(0)));
        }

        @Override
        protected String toCloudEventsValue(String value) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '%' && i + 2 < value.length()) {
                    bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    bytes.write(c);
                }
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
