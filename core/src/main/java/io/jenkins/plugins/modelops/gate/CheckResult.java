package io.jenkins.plugins.modelops.gate;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What one requirement came to. */
public enum CheckResult {
    PASS("pass"),
    FAIL("fail"),
    /** Relative to a baseline, and there is none (a pipeline's first run): shown, not counted. */
    SKIPPED("skipped"),
    /** The metric is undefined on the test rows (e.g. ROC AUC when they hold one class): never a pass. */
    NOT_EVALUABLE("not-evaluable");

    private final String id;

    CheckResult(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static CheckResult parse(String id) {
        for (CheckResult r : values()) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown check result '" + id + "'");
    }
}
