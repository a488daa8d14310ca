package io.jenkins.plugins.modelops.gate;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.metrics.Metric;
import io.jenkins.plugins.modelops.metrics.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RequirementTest {

    @Test
    void parsesNumbersAndBaselineForms() {
        Requirement fixed = Requirement.parse(" accuracy >= 0.90 ");
        assertThat(fixed.metric()).isEqualTo("accuracy");
        assertThat(fixed.comparison()).isEqualTo(Requirement.Comparison.AT_LEAST);
        assertThat(fixed.usesBaseline()).isFalse();
        assertThat(fixed.threshold(123)).isEqualTo(0.9);
        assertThat(fixed.expression()).isEqualTo("accuracy >= 0.90");

        assertThat(Requirement.parse("rmse<=baseline*1.02").threshold(2.0)).isCloseTo(2.04, within(1e-12));
        assertThat(Requirement.parse("f1_macro>=baseline-0.01").threshold(0.8)).isCloseTo(0.79, within(1e-12));
        assertThat(Requirement.parse("mae<baseline+.5").threshold(1.0)).isEqualTo(1.5);
        assertThat(Requirement.parse("r2>baseline").threshold(0.3)).isEqualTo(0.3);
        assertThat(Requirement.parse("r2>-0.5").threshold(0)).isEqualTo(-0.5);
        assertThat(Requirement.parse("accuracy>=1e-1").threshold(0)).isEqualTo(0.1);
    }

    @Test
    void comparisonsAreStrictOrNotAsWritten() {
        assertThat(Requirement.parse("a>=1").holds(1, 1)).isTrue();
        assertThat(Requirement.parse("a>1").holds(1, 1)).isFalse();
        assertThat(Requirement.parse("a<=1").holds(1, 1)).isTrue();
        assertThat(Requirement.parse("a<1").holds(1, 1)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"accuracy>=1e999", "accuracy>=-1e999", "rmse<=baseline*1e400", "accuracy => 0.9",
            "accuracy>=baseline--0.5", "accuracy>=baseline-+0.5", "accuracy>=baseline*-1", "accuracy>=baseline*0",
            "accuracy>=", ">=0.5", "accuracy>=0.5x", "accuracy>=NaN", "accuracy>=Infinity"})
    void refusesWhatIsNotAFiniteUnambiguousThreshold(String expression) {
        assertThatThrownBy(() -> Requirement.parse(expression))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("requirement '" + expression + "'");
    }

    @Test
    void aScaledToleranceOnANegativeBaselineIsRefusedBeforeTraining() {
        Requirement r2 = Requirement.parse("r2>=baseline*0.95");
        assertThat(r2.inapplicableTo(0.5)).isNull();
        assertThat(r2.inapplicableTo(-0.2)).isEqualTo("requirement 'r2>=baseline*0.95': the baseline's r2 is -0.2, "
                + "negative, where baseline*0.95 would raise the threshold the other way than intended; use "
                + "baseline+N or baseline-N for a tolerance");
        assertThat(Requirement.parse("r2>=baseline-0.05").inapplicableTo(-0.2)).isNull();

        Blessing.Baseline negative = new Blessing.Baseline("b", Metrics.builder().put(Metric.R2, -0.2).build());
        assertThatThrownBy(() -> Blessing.validate(List.of(r2), EnumSet.of(Metric.R2), Optional.of(negative)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("the baseline's r2 is -0.2");
    }

    @Test
    void anUndefinedMetricIsNotEvaluableAndNeverBlesses() {
        Metrics oneClass = Metrics.builder().put(Metric.ACCURACY, 1.0).build(); // no roc_auc: a single test class

        Blessing blessing = Blessing.evaluate(List.of(Requirement.parse("accuracy>=0.9"),
                Requirement.parse("roc_auc>=0.8")), oneClass, Optional.empty());

        assertThat(blessing.status()).isEqualTo(BlessingStatus.NOT_BLESSED);
        assertThat(blessing.checks().get(0).result()).isEqualTo(CheckResult.PASS);
        Blessing.Check auc = blessing.checks().get(1);
        assertThat(auc.result()).isEqualTo(CheckResult.NOT_EVALUABLE);
        assertThat(auc.value()).isNull();
        assertThat(auc.reason()).startsWith("roc_auc is undefined: the test rows hold a single class");
    }
}
