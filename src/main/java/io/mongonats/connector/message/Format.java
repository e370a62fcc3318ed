package io.mongonats.connector.message;

import io.mongonats.connector.source.ChangeEvent;

/** One message format: how a change becomes a subject, an id and a payload. Pure; one per worker. */
interface Format {

    Rendering render(ChangeEvent event);

    /** The value of the {@code Cdc-Format} header, or null for the default format, which goes without one. */
    String headerValue();
}
