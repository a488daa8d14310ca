package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.metrics.Metrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Metric definitions, checked against values computed by hand (and by scikit-learn 1.2 where stated). */
class EvaluationTest {

    @Test
    void macroAveragesRunOverTheClassesInTheTestLabelsOrPredictions() {
        // Class "c" was in training but has no test rows and is never predicted: scikit-learn leaves it out.
        String[] truth = {"a", "a", "b", "b"};
        String[] predicted = {"a", "a", "a", "b"};

        Metrics m = Evaluation.classification(truth, predicted, null, List.of("a", "b", "c"));

        // sklearn: recall_score(average='macro') = (1 + 0.5) / 2, precision (2/3 + 1) / 2, f1 (0.8 + 2/3) / 2
        assertThat(m.get(Metric.RECALL_MACRO)).isCloseTo(0.75, within(1e-12));
        assertThat(m.get(Metric.PRECISION_MACRO)).isCloseTo((2.0 / 3 + 1) / 2, within(1e-12));
        assertThat(m.get(Metric.F1_MACRO)).isCloseTo((0.8 + 2.0 / 3) / 2, within(1e-12));
        assertThat(m.get(Metric.F1_WEIGHTED)).isCloseTo((2 * 0.8 + 2 * 2.0 / 3) / 4, within(1e-12));
        assertThat(m.get(Metric.ACCURACY)).isEqualTo(0.75);
        @SuppressWarnings("unchecked")
        Map<String, Object> matrix = (Map<String, Object>) m.asMap().get("confusion_matrix");
        assertThat(matrix.get("labels")).isEqualTo(List.of("a", "b", "c"));
        assertThat(matrix.get("counts")).isEqualTo(List.of(List.of(2L, 0L, 0L), List.of(1L, 1L, 0L),
                List.of(0L, 0L, 0L)));
    }

    @Test
    void aClassOnlyPredictedCountsInTheMacroAverage() {
        Metrics m = Evaluation.classification(new String[] {"a", "a"}, new String[] {"a", "b"}, null, List.of("a", "b"));

        // sklearn: recall per class a=0.5, b=0 (no true rows, zero_division=0) -> 0.25
        assertThat(m.get(Metric.RECALL_MACRO)).isEqualTo(0.25);
    }

    @Test
    void rocAucIsTheMannWhitneyStatisticWithTiesCountingHalf() {
        String[] truth = {"n", "p", "n", "p", "p", "n"};
        double[] scores = {0.1, 0.4, 0.35, 0.8, 0.35, 0.9};
        // pairs (p, n): 9; p above n: 0.4>0.1,0.4>0.35, 0.8>0.1,0.8>0.35, 0.35>0.1, 0.35=0.35 (half) -> 5.5 / 9
        assertThat(Evaluation.rocAuc(scores, truth, "p")).isCloseTo(5.5 / 9, within(1e-12));
        assertThat(Evaluation.rocAuc(new double[] {0.2, 0.9}, new String[] {"n", "p"}, "p")).isEqualTo(1.0);
        assertThat(Evaluation.rocAuc(new double[] {0.2, 0.9}, new String[] {"p", "p"}, "p")).isNaN();
    }

    @Test
    void rocAucIsLeftOutWhenTheTestRowsHoldOneClass() {
        Metrics m = Evaluation.classification(new String[] {"a", "a"}, new String[] {"a", "b"}, new double[] {0.1, 0.7},
                List.of("a", "b"));
        assertThat(m.has(Metric.ROC_AUC)).isFalse();
        assertThat(m.asMap()).doesNotContainKey("positive_class");
    }

    @Test
    void wilsonIntervalMatchesTheClosedForm() {
        // 45 of 50: statsmodels proportion_confint(45, 50, method='wilson') = (0.7864, 0.9565)
        List<Double> ci = Evaluation.wilson(0.9, 50);
        assertThat(ci.get(0)).isCloseTo(0.7864, within(1e-4));
        assertThat(ci.get(1)).isCloseTo(0.9565, within(1e-4));
        assertThat(Evaluation.wilson(1.0, 10).get(1)).isCloseTo(1.0, within(1e-12));
        assertThat(Evaluation.wilson(1.0, 10).get(0)).isCloseTo(0.7225, within(1e-4));
        assertThat(Evaluation.wilson(0.0, 10).get(0)).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void regressionMetricsAndAnUndefinedR2() {
        Metrics m = Evaluation.regression(new double[] {1, 2, 3, 4}, new double[] {1, 2, 3, 6});
        assertThat(m.get(Metric.RMSE)).isEqualTo(1.0);
        assertThat(m.get(Metric.MAE)).isEqualTo(0.5);
        assertThat(m.get(Metric.R2)).isCloseTo(1 - 4 / 5.0, within(1e-12));

        Metrics constant = Evaluation.regression(new double[] {5, 5, 5}, new double[] {5, 4, 6});
        assertThat(constant.has(Metric.R2)).isFalse();
        assertThat(constant.get(Metric.MAE)).isCloseTo(2 / 3.0, within(1e-12));
    }

    @Test
    void metricsAreImmutableAllTheWayDown() {
        Metrics m = Evaluation.classification(new String[] {"a", "b"}, new String[] {"a", "b"}, null, List.of("a", "b"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.asMap().put("x", 1))
                .isInstanceOf(UnsupportedOperationException.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> perClass = (Map<String, Object>) m.asMap().get("per_class");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> perClass.clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
