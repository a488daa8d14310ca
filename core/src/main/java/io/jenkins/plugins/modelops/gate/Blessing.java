package io.jenkins.plugins.modelops.gate;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.train.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The offline gate's verdict: every requirement with the metric's value, the threshold and the baseline value it
 * came from. Written to {@code blessing.json}; without requirements no blessing is claimed at all.
 *
 * @param baselineModelId the model id of the baseline bundle, when one was given
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Blessing(boolean blessed, List<Check> checks, String baselineModelId) {

    /** One comparison: {@code value OP threshold}, where {@code threshold} derives from {@code baselineValue}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(String requirement, String metric, String operator, double value, double threshold,
                        Double baselineValue, boolean passed) {
    }

    /** A baseline to compare against: its model id and metrics. */
    public record Baseline(String modelId, Metrics metrics) {
    }

    /**
     * Checks the requirements can be evaluated (known metric for the task, a baseline where they use one) before
     * any training, so a typo fails in seconds.
     */
    public static void validate(List<Requirement> requirements, Set<String> metricNames, Optional<Baseline> baseline) {
        for (Requirement r : requirements) {
            if (!metricNames.contains(r.metric())) {
                throw new InvalidInputException("requirement '" + r.expression() + "' names metric '" + r.metric()
                        + "', which this model does not have; available: " + String.join(", ", new java.util.TreeSet<>(metricNames)));
            }
            if (r.usesBaseline()) {
                Baseline b = baseline.orElseThrow(() -> new InvalidInputException("requirement '" + r.expression()
                        + "' compares with the baseline, but no baseline bundle was given (--baseline DIR)"));
                if (!b.metrics().has(r.metric())) {
                    throw new InvalidInputException("requirement '" + r.expression() + "': the baseline model "
                            + b.modelId() + " has no metric '" + r.metric() + "'; its metrics: "
                            + String.join(", ", b.metrics().numericNames()));
                }
            }
        }
    }

    public static Blessing evaluate(List<Requirement> requirements, Metrics metrics, Optional<Baseline> baseline) {
        List<Check> checks = new ArrayList<>();
        boolean blessed = true;
        for (Requirement r : requirements) {
            double value = metrics.get(r.metric());
            Double baselineValue = r.usesBaseline() ? baseline.orElseThrow().metrics().get(r.metric()) : null;
            double threshold = r.threshold(baselineValue == null ? Double.NaN : baselineValue);
            boolean passed = r.holds(value, threshold);
            blessed &= passed;
            checks.add(new Check(r.expression(), r.metric(), r.comparison().symbol(), value, threshold, baselineValue, passed));
        }
        return new Blessing(blessed, checks, baseline.map(Baseline::modelId).orElse(null));
    }
}
