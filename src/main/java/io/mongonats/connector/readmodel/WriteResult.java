package io.mongonats.connector.readmodel;

/** What became of one planned write. */
public record WriteResult(Kind kind, String error) {

    public enum Kind {
        /** The document now reflects the change. */
        APPLIED,
        /** The document already reflected this change or a later one: nothing to do. */
        STALE,
        /** Not yet applicable (an update without a live document to update): try again later. */
        WAITING,
        /** MongoDB refused the write, for example a validator or another unique index. */
        REJECTED
    }

    public static final WriteResult APPLIED = new WriteResult(Kind.APPLIED, null);
    public static final WriteResult STALE = new WriteResult(Kind.STALE, null);

    public static WriteResult waiting(String why) {
        return new WriteResult(Kind.WAITING, why);
    }

    public static WriteResult rejected(String why) {
        return new WriteResult(Kind.REJECTED, why);
    }

    public boolean done() {
        return kind == Kind.APPLIED || kind == Kind.STALE;
    }
}
