package io.mongonats.connector.readmodel;

/** NATS or MongoDB did not answer or refused for now: retried with backoff, never dead-lettered. */
public final class SinkUnavailableException extends Exception {

    private final String dependency;

    public SinkUnavailableException(String dependency, String message, Throwable cause) {
        super(message, cause);
        this.dependency = dependency;
    }

    /** {@code mongodb} or {@code nats}. */
    public String dependency() {
        return dependency;
    }
}
