package io.jenkins.plugins.modelops.gate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The offline gate's verdict, as {@code bundle.json} and {@code blessing.json} spell it. */
public enum BlessingStatus {
    /** Every evaluated requirement holds and at least one was evaluated. */
    BLESSED("blessed"),
    /** A requirement failed or could not be evaluated on the test rows: the model must not be promoted. */
    NOT_BLESSED("not-blessed"),
    /** No requirement was given, or every one was skipped for want of a baseline. */
    NOT_EVALUATED("not-evaluated");

    private final String id;

    BlessingStatus(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static BlessingStatus parse(String id) {
        for (BlessingStatus s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown blessing status '" + id + "'");
    }
}
