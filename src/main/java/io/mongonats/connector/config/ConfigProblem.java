package io.mongonats.connector.config;

/** One thing wrong with the configuration: the key, and what is wrong with it and what is expected. */
public record ConfigProblem(String key, String message) {

    @Override
    public String toString() {
        return key + ": " + message;
    }
}
