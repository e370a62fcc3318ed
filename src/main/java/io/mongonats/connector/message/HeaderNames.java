package io.mongonats.connector.message;

/** Every header name the connector writes or reads, in one place. */
public final class HeaderNames {

    /** JetStream's de-duplication id, and the fence: the stream and its last sequence a publish expects. */
    public static final String MSG_ID = "Nats-Msg-Id";
    public static final String EXPECTED_STREAM = "Nats-Expected-Stream";
    public static final String EXPECTED_LAST_SEQUENCE = "Nats-Expected-Last-Sequence";

    public static final String DATABASE = "Cdc-Database";
    public static final String COLLECTION = "Cdc-Collection";
    public static final String OPERATION = "Cdc-Operation";
    public static final String CLUSTER_TIME = "Cdc-Cluster-Time";
    /** The source position of the change, where the message id is not the resume token itself. */
    public static final String RESUME_TOKEN = "Cdc-Resume-Token";
    /** While a snapshot runs: its id, count, estimated total, state and last key (see SnapshotProgress#toHeader). */
    public static final String SNAPSHOT = "Cdc-Snapshot";
    /** The replica that published the message, and the lease epoch it held (the lease's revision when acquired). */
    public static final String REPLICA = "Cdc-Replica";
    public static final String LEASE_EPOCH = "Cdc-Lease-Epoch";
    /** Present on dead-letter records: why the change itself was not published. */
    public static final String DEAD_LETTER_REASON = "Cdc-Dead-Letter-Reason";
    /** The changed document's key ({@code documentKey}) as canonical Extended JSON in ASCII (JSON unicode escapes). */
    public static final String DOCUMENT_KEY = "Cdc-Document-Key";
    /** full-document or outbox; absent for the change-event format. */
    public static final String FORMAT = "Cdc-Format";

    /** CloudEvents binary mode: each attribute in a {@code ce-} header, the data's media type in content-type. */
    public static final String CE_PREFIX = "ce-";
    public static final String CE_SPECVERSION = "ce-specversion";
    public static final String CE_ID = "ce-id";
    public static final String CE_SOURCE = "ce-source";
    public static final String CE_TYPE = "ce-type";
    public static final String CE_TIME = "ce-time";
    public static final String CONTENT_TYPE = "content-type";

    /** The longest a stream sequence can be written. */
    private static final int MAX_SEQUENCE_DIGITS = 20;

    private HeaderNames() {
    }

    /** Bytes the sink's identity and fence headers add to a message: counted before the size check. */
    public static int fenceLength(String messageId, String stream) {
        return MSG_ID.length() + messageId.length() + 3
                + EXPECTED_STREAM.length() + stream.length() + 3
                + EXPECTED_LAST_SEQUENCE.length() + MAX_SEQUENCE_DIGITS + 3;
    }
}
