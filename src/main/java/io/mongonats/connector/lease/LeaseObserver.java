package io.mongonats.connector.lease;

/** Lease events as they happen; metrics implement it. Called on the lease thread: must not block. */
public interface LeaseObserver {

    LeaseObserver NONE = new LeaseObserver() { };

    default void acquired(String key) { }

    default void renewFailed(String key) { }

    default void lost(String key) { }

    default void released(String key) { }

    default void handedOver(String key) { }
}
