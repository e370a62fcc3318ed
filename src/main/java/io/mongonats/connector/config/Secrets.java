package io.mongonats.connector.config;

import java.util.regex.Pattern;

/** Masks credentials before a value reaches a log line, an exception or a health report. */
public final class Secrets {

    private static final Pattern URI_USER_INFO = Pattern.compile("(?<=://)[^/@\\s]*@");

    private Secrets() {
    }

    /** {@code mongodb://user:pw@host} becomes {@code mongodb://****@host}. */
    public static String maskUri(String uri) {
        return uri == null ? null : URI_USER_INFO.matcher(uri).replaceAll("****@");
    }

    /** Removes every occurrence of {@code secret} from {@code text}, such as a driver message quoting a URI. */
    public static String scrub(String text, String secret) {
        if (text == null || secret == null || secret.isEmpty()) {
            return text;
        }
        String masked = maskUri(secret);
        return maskUri(text.replace(secret, masked.equals(secret) ? "****" : masked));
    }
}
