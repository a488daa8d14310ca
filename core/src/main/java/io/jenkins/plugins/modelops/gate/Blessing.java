package io.jenkins.plugins.modelops.gate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.train.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The offline gate's verdict: every requirement with the metric's value, the threshold and the baseline value it
 * came from. Written to {@code blessing.json}; without requirements no blessing is claimed at all.
 *
 * <p>As in TFX, a requirement relative to the baseline is skipped, visibly, when there is no baseline (a pipeline's
 * first run); the model is blessed only if no requirement failed and at least one was evaluated.
 *
 * @param status {@code blessed}, {@code not-blessed}, or {@code not-evaluated} when every requirement was skipped
 * @param baselineModelId the model id of the baseline bundle, when one was given
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Blessing(String status, List<Check> checks, String baselineModelId) {

    public static final String BLESSED = "blessed";
    public static final String NOT_BLESSED = "not-blessed";
    public static final String NOT_EVALUATED = "not-evaluated";

    /**
     * One comparison: {@code value OP threshold}, where {@code threshold} derives from {@code baselineValue}.
     *
     * @param result {@code pass}, {@code fail} or {@code skipped}
     * @param reason why a requirement was skipped
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(String requirement, String metric, String operator, double value, Double threshold,
                        Double baselineValue, String result, String reason) {

        @JsonIgnore
        public boolean passed() {
            return result.equals("pass");
        }

        @JsonIgnore
        public boolean failed() {
            return result.equals("fail");
        }
    }

    /** A baseline to compare against: its model id and metrics. */
    public record Baseline(String modelId, Metrics metrics) {
    }

    @JsonIgnore
    public boolean blessed() {
        return status.equals(BLESSED);
    }

    /** A requirement failed: the model must not be promoted. */
    @JsonIgnore
    public boolean rejected() {
        return status.equals(NOT_BLESSED);
    }

    /**
     * Checks the requirements can be evaluated (a known metric for the task, present in the baseline where they use
     * one) before any training, so a typo fails in seconds.
     */
    public static void validate(List<Requirement> requirements, Set<String> metricNames, Optional<Baseline> baseline) {
        for (Requirement r : requirements) {
            if (!metricNames.contains(r.metric())) {
                throw new InvalidInputException("requirement '" + r.expression() + "' names metric '" + r.metric()
                        + "', which this model does not have; available: " + String.join(", ", new TreeSet<>(metricNames)));
            }
            if (r.usesBaseline() && baseline.isPresent() && !baseline.get().metrics().has(r.metric())) {
                throw new InvalidInputException("requirement '" + r.expression() + "': the baseline model "
                        + baseline.get().modelId() + " has no metric '" + r.metric() + "'; its metrics: "
                        + String.join(", ", baseline.get().metrics().numericNames()));
            }
        }
    }

    public static Blessing evaluate(List<Requirement> requirements, Metrics metrics, Optional<Baseline> baseline) {
        List<Check> checks = new ArrayList<>();
        for (Requirement r : requirements) {
            double value = metrics.get(r.metric());
            if (r.usesBaseline() && baseline.isEmpty()) {
                checks.add(new Check(r.expression(), r.metric(), r.comparison().symbol(), value, null, null, "skipped",
                        "no baseline bundle given (a first run); only absolute requirements were evaluated"));
                continue;
            }
            Double baselineValue = r.usesBaseline() ? baseline.get().metrics().get(r.metric()) : null;
            double threshold = r.threshold(baselineValue == null ? Double.NaN : baselineValue);
            boolean passed = r.holds(value, threshold);
            checks.add(new Check(r.expression(), r.metric(), r.comparison().symbol(), value, threshold, baselineValue,
                    passed ? "pass" : "fail", null));
        }
        String status = checks.stream().anyMatch(Check::failed) ? NOT_BLESSED
                : checks.stream().anyMatch(Check::passed) ? BLESSED : NOT_EVALUATED;
        return new Blessing(status, checks, baseline.map(Baseline::modelId).orElse(null));
    }
}
