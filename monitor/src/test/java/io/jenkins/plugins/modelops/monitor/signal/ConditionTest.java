package io.jenkins.plugins.modelops.monitor.signal;

import io.jenkins.plugins.modelops.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConditionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "accuracy>=0.9       | ACCURACY    | AT_LEAST | 0.9",
            "accuracy >= 90%     | ACCURACY    | AT_LEAST | 0.9",
            "latencyP99<=50ms    | LATENCY_P99 | AT_MOST  | 0.05",
            "latencyP95<0.2s     | LATENCY_P95 | BELOW    | 0.2",
            "latencyP50<=0.01    | LATENCY_P50 | AT_MOST  | 0.01",
            "errorRate<=1%       | ERROR_RATE  | AT_MOST  | 0.01",
            "alerts==0           | ALERTS      | EQUAL    | 0",
            "requestRate>5       | REQUEST_RATE| ABOVE    | 5",
            "rmse<=12.5          | RMSE        | AT_MOST  | 12.5"})
    void readsFixedThresholdsInTheSignalsUnit(String expression, Signal signal, Condition.Comparison comparison,
                                              double threshold) {
        Condition condition = Condition.parse(expression);
        assertThat(condition.signal()).isEqualTo(signal);
        assertThat(condition.comparison()).isEqualTo(comparison);
        assertThat(condition.usesBaseline()).isFalse();
        assertThat(condition.threshold(Double.NaN)).isEqualTo(threshold);
    }

    @Test
    void readsBaselineForms() {
        assertThat(Condition.parse("accuracy>=baseline-0.02").threshold(0.95)).isCloseTo(0.93, within());
        assertThat(Condition.parse("latencyP99<=baseline*1.2").threshold(0.05)).isCloseTo(0.06, within());
        assertThat(Condition.parse("latencyP99<=baseline+5ms").threshold(0.05)).isCloseTo(0.055, within());
        assertThat(Condition.parse("accuracy>=baseline").threshold(0.8)).isEqualTo(0.8);
        assertThat(Condition.parse("latency<=baseline").usesBaseline()).isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "accuracy=>0.9      | gate: 'accuracy=>0.9' is not understood; expected SIGNAL OP VALUE: SIGNAL one of accuracy, mae, rmse, latencyP50, latencyP95, latencyP99, errorRate, requestRate, alerts, latency; OP one of >=, <=, >, <, ==; VALUE a number (50ms, 0.05s and 5% allowed where they fit) or baseline, baseline*N, baseline+N, baseline-N; e.g. accuracy>=0.9, latencyP99<=50ms, errorRate<=1%, alerts==0",
            "precision>=0.9     | gate: 'precision>=0.9' names no signal 'precision'; the signals are accuracy, mae, rmse, latencyP50, latencyP95, latencyP99, errorRate, requestRate, alerts, latency",
            "accuracy>=90       | gate: 'accuracy>=90' sets accuracy to 90, above 1; accuracy is a ratio between 0 and 1: write 0.9 or 90%",
            "accuracy>=0.9ms    | gate: 'accuracy>=0.9ms' gives accuracy the unit 'ms'; accuracy takes 0.9 or 90%",
            "latencyP99<=5%     | gate: 'latencyP99<=5%' gives latencyP99 the unit '%'; latencyP99 takes 50ms, 0.05s or 0.05 (seconds)",
            "alerts==0.5        | gate: 'alerts==0.5' counts alerts with '0.5'; a count is a whole number, e.g. alerts==0",
            "alerts<=baseline   | gate: 'alerts<=baseline' compares alerts with a baseline; alerts take a count: alerts==0",
            "latencyP99<=baseline*0  | gate: 'latencyP99<=baseline*0' scales the baseline by 0; a factor must be positive",
            "latencyP99<=baseline*2ms | gate: 'latencyP99<=baseline*2ms' gives the factor '2ms' a unit; a factor is a plain number",
            "rmse<=3%           | gate: 'rmse<=3%' gives rmse the unit '%'; rmse takes a plain number in the label's own unit",
            "latency<=50ms      | gate: 'latency<=50ms' compares the whole latency distribution with the baseline's (a Mann-Whitney U test): write latency<=baseline; for a bound on a quantile write latencyP99<=50ms",
            "latency<=baseline*1.2 | gate: 'latency<=baseline*1.2' compares the whole latency distribution with the baseline's (a Mann-Whitney U test): write latency<=baseline; for a bound on a quantile write latencyP99<=50ms",
            "latency>=baseline  | gate: 'latency>=baseline' compares the whole latency distribution with the baseline's (a Mann-Whitney U test): write latency<=baseline; for a bound on a quantile write latencyP99<=50ms"})
    void refusesWhatItCannotMeasureExactly(String expression, String message) {
        assertThatThrownBy(() -> Condition.parse(expression)).isInstanceOf(InvalidInputException.class)
                .hasMessage(message);
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-12);
    }
}
