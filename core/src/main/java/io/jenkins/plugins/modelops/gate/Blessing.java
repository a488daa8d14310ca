package io.jenkins.plugins.modelops.gate;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.metrics.Metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The offline gate's verdict: every requirement with the metric's value, the threshold and the baseline value it
 * came from. Written to {@code blessing.json}; without requirements no blessing is claimed at all.
 *
 * <p>As in TFX, a requirement relative to the baseline is skipped, visibly, when there is no baseline (a pipeline's
 * first run); the model is blessed only if no requirement failed, none was unevaluable, and at least one was
 * evaluated.
 *
 * @param baselineModelId the model id of the baseline bundle, when one was given
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Blessing(BlessingStatus status, List<Check> checks, String baselineModelId) {

    public Blessing {
        checks = List.copyOf(checks);
    }

    /**
     * One comparison: {@code value OP threshold}, where {@code threshold} derives from {@code baselineValue}.
     *
     * @param value null when the metric is undefined on the test rows
     * @param reason why a requirement was skipped or not evaluable
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(String requirement, String metric, String operator, Double value, Double threshold,
                        Double baselineValue, CheckResult result, String reason) {
    }

    /** A baseline to compare against: its model id and metrics. */
    public record Baseline(String modelId, Metrics metrics) {
    }

    /** A requirement failed or could not be evaluated: the model must not be promoted. */
    @JsonIgnore
    public boolean rejected() {
        return status == BlessingStatus.NOT_BLESSED;
    }

    /**
     * Checks the requirements can be evaluated (a metric the model will report, present in the baseline where they
     * use one, a baseline value a scaled tolerance can apply to) before any training, so a typo fails in seconds.
     */
    public static void validate(List<Requirement> requirements, Set<Metric> available, Optional<Baseline> baseline) {
        for (Requirement r : requirements) {
            if (Metric.byId(r.metric()).filter(available::contains).isEmpty()) {
                throw new InvalidInputException(Parameter.REQUIRE, "requirement '" + r.expression() + "' names metric '"
                        + r.metric() + "', which this model does not have; available: "
                        + available.stream().map(Metric::id).sorted().collect(Collectors.joining(", ")));
            }
            if (r.usesBaseline() && baseline.isPresent()) {
                Metrics metrics = baseline.get().metrics();
                if (!metrics.has(r.metric())) {
                    throw new InvalidInputException(Parameter.BASELINE, "requirement '" + r.expression()
                            + "': the baseline model " + baseline.get().modelId() + " has no metric '" + r.metric()
                            + "'; its metrics: " + String.join(", ", metrics.numericNames()));
                }
                String inapplicable = r.inapplicableTo(metrics.get(r.metric()));
                if (inapplicable != null) {
                    throw new InvalidInputException(Parameter.REQUIRE, inapplicable);
                }
            }
        }
    }

    public static Blessing evaluate(List<Requirement> requirements, Metrics metrics, Optional<Baseline> baseline) {
        List<Check> checks = new ArrayList<>();
        for (Requirement r : requirements) {
            String op = r.comparison().symbol();
            if (!metrics.has(r.metric())) {
                checks.add(new Check(r.expression(), r.metric(), op, null, null, null, CheckResult.NOT_EVALUABLE,
                        undefined(r.metric())));
                continue;
            }
            double value = metrics.get(r.metric());
            if (r.usesBaseline() && baseline.isEmpty()) {
                checks.add(new Check(r.expression(), r.metric(), op, value, null, null, CheckResult.SKIPPED,
                        "no baseline bundle given (a first run); only absolute requirements were evaluated"));
                continue;
            }
            Double baselineValue = r.usesBaseline() ? baseline.get().metrics().get(r.metric()) : null;
            double threshold = r.threshold(baselineValue == null ? Double.NaN : baselineValue);
            checks.add(new Check(r.expression(), r.metric(), op, value, threshold, baselineValue,
                    r.holds(value, threshold) ? CheckResult.PASS : CheckResult.FAIL, null));
        }
        BlessingStatus status = checks.stream().anyMatch(c -> c.result() == CheckResult.FAIL
                || c.result() == CheckResult.NOT_EVALUABLE) ? BlessingStatus.NOT_BLESSED
                : checks.stream().anyMatch(c -> c.result() == CheckResult.PASS) ? BlessingStatus.BLESSED
                : BlessingStatus.NOT_EVALUATED;
        return new Blessing(status, checks, baseline.map(Baseline::modelId).orElse(null));
    }

    private static String undefined(String metric) {
        return switch (metric) {
            case "roc_auc" -> "roc_auc is undefined: the test rows hold a single class, so no ranking of positives "
                    + "over negatives exists; use more data or a larger test fraction";
            case "r2" -> "r2 is undefined: every test row has the same label, so there is no variance to explain; "
                    + "use more data or a larger test fraction";
            default -> metric + " is undefined on the test rows";
        };
    }
}
