package io.mongonats.connector.message;

/** Subject names and NATS subject matching. Pure. */
public final class Subjects {

    private Subjects() {
    }

    public static String forOperation(String subjectPrefix, String operationType) {
        return subjectPrefix + "." + operationType;
    }

    public static String all(String subjectPrefix) {
        return subjectPrefix + ".>";
    }

    /** True when every subject that {@code inner} matches is also matched by {@code filter}. */
    public static boolean covers(String filter, String inner) {
        String[] outer = filter.split("\\.");
        String[] tokens = inner.split("\\.");
        for (int i = 0; i < outer.length; i++) {
            if (outer[i].equals(">")) {
                return i < tokens.length;
            }
            if (i >= tokens.length || tokens[i].equals(">")) {
                return false;
            }
            if (!outer[i].equals("*") && (tokens[i].equals("*") || !outer[i].equals(tokens[i]))) {
                return false;
            }
        }
        return outer.length == tokens.length;
    }
}
