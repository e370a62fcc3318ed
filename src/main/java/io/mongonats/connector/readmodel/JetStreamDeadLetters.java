package io.mongonats.connector.readmodel;

import io.mongonats.connector.config.ConnectorSettings;
import io.mongonats.connector.config.SinkSpec;
import io.mongonats.connector.message.HeaderNames;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.PublishOptions;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Dead-letter records in a stream of their own: a copy of the message (its {@code Cdc-*} headers and payload) with
 * the reason and where it came from. Never in the source stream, whose publisher fences on its last sequence.
 * A record is identified by the source stream and sequence, so a retried copy within the duplicate window is
 * stored once.
 */
public final class JetStreamDeadLetters implements DeadLetters {

    private static final Logger LOG = Logger.getLogger(JetStreamDeadLetters.class);

    public static final String SOURCE_STREAM = "Cdc-Source-Stream";
    public static final String SOURCE_SEQUENCE = "Cdc-Source-Sequence";
    public static final String SOURCE_SUBJECT = "Cdc-Source-Subject";
    public static final String SINK = "Cdc-Sink";
    /** Set when the payload was left out because the record would exceed the server's max payload. */
    public static final String PAYLOAD_DROPPED = "Cdc-Payload-Dropped";

    private static final int MAX_REASON = 1_000;
    private static final int HEADER_ALLOWANCE = 4_096;

    private final Connection nats;
    private final JetStreamOptions options;
    private final SinkSpec spec;
    private final ConnectorSettings.Stream streamSettings;

    public JetStreamDeadLetters(Connection nats, JetStreamOptions options, SinkSpec spec,
                                ConnectorSettings.Stream streamSettings) {
        this.nats = nats;
        this.options = options;
        this.spec = spec;
        this.streamSettings = streamSettings;
    }

    @Override
    public void prepare() throws SinkUnavailableException {
        try {
            JetStreamManagement management = nats.jetStreamManagement(options);
            List<String> capturing = management.getStreamNames(spec.deadLetterSubject());
            if (capturing.contains(spec.stream())) {
                throw new SinkSetupException("The dead-letter subject " + spec.deadLetterSubject() + " of sink "
                        + spec.name() + " is captured by its source stream " + spec.stream() + "; a record there would "
                        + "break the publisher's sequence fence. Set connector.sinks[].dead-letter-subject outside it");
            }
            if (!capturing.isEmpty()) {
                return;
            }
            management.addStream(StreamConfiguration.builder()
                    .name(spec.deadLetterStream())
                    .description("Messages of " + spec.stream() + " that sink " + spec.name() + " could not apply")
                    .subjects(spec.deadLetterSubject())
                    .storageType(streamSettings.storage() == ConnectorSettings.Storage.MEMORY ? StorageType.Memory : StorageType.File)
                    .replicas(streamSettings.replicas())
                    .build());
            LOG.infof("Created dead-letter stream %s (%s) for sink %s", spec.deadLetterStream(), spec.deadLetterSubject(),
                    spec.name());
        } catch (JetStreamApiException e) {
            throw new SinkSetupException("Cannot create the dead-letter stream " + spec.deadLetterStream() + " for "
                    + spec.deadLetterSubject() + ": " + e.getMessage());
        } catch (IOException e) {
            throw new SinkUnavailableException("nats", "cannot check the dead-letter stream: " + e.getMessage(), e);
        }
    }

    @Override
    public void publish(InboundMessage message, String reason) throws SinkUnavailableException, InterruptedException {
        Headers headers = new Headers();
        for (Map.Entry<String, String> header : message.headers().entrySet()) {
            if (header.getKey().startsWith("Cdc-")) {
                headers.put(header.getKey(), header.getValue());
            }
        }
        headers.put(HeaderNames.DEAD_LETTER_REASON, singleLine(reason))
                .put(SOURCE_STREAM, spec.stream())
                .put(SOURCE_SEQUENCE, Long.toString(message.sequence()))
                .put(SOURCE_SUBJECT, message.subject())
                .put(SINK, spec.name());
        byte[] payload = message.payload() == null ? new byte[0] : message.payload();
        if (payload.length + HEADER_ALLOWANCE > nats.getServerInfo().getMaxPayload()) {
            headers.put(PAYLOAD_DROPPED, Integer.toString(payload.length));
            payload = new byte[0];
        }
        try {
            nats.jetStream(options).publish(NatsMessage.builder().subject(spec.deadLetterSubject()).headers(headers).data(payload).build(),
                    PublishOptions.builder().messageId(spec.stream() + "-" + message.sequence()).build());
        } catch (JetStreamApiException | IOException e) {
            throw new SinkUnavailableException("nats", "cannot store a dead-letter record on " + spec.deadLetterSubject()
                    + ": " + e.getMessage(), e);
        }
    }

    private static String singleLine(String text) {
        String line = String.valueOf(text).replaceAll("[\\r\\n]+", " ");
        return line.length() > MAX_REASON ? line.substring(0, MAX_REASON) + "..." : line;
    }
}
