package io.jenkins.plugins.modelops.gate;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.Parameter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One offline gate condition, TFX-blessing style: {@code accuracy>=0.90}, {@code rmse<=baseline*1.02},
 * {@code f1_macro>=baseline-0.01}. The right side is a finite number or {@code baseline} (the same metric of the
 * baseline bundle), optionally scaled ({@code *}, by a positive factor) or shifted ({@code +}, {@code -}) by an
 * unsigned number.
 */
public record Requirement(String expression, String metric, Comparison comparison, boolean usesBaseline,
                          char operation, double operand) {

    public enum Comparison {
        AT_LEAST(">="), AT_MOST("<="), ABOVE(">"), BELOW("<");

        private final String symbol;

        Comparison(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        boolean holds(double value, double threshold) {
            return switch (this) {
                case AT_LEAST -> value >= threshold;
                case AT_MOST -> value <= threshold;
                case ABOVE -> value > threshold;
                case BELOW -> value < threshold;
            };
        }
    }

    private static final String UNSIGNED = "(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?";
    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(>=|<=|>|<)\\s*(?:([+-]?" + UNSIGNED + ")|baseline\\s*(?:([*+-])\\s*("
                    + UNSIGNED + "))?)\\s*");
    private static final String EXPECTED = "expected METRIC OP VALUE with OP one of >=, <=, >, < and VALUE a number "
            + "or baseline, baseline*N, baseline+N, baseline-N (N an unsigned number); e.g. accuracy>=0.90 or "
            + "rmse<=baseline*1.02";

    public static Requirement parse(String expression) {
        Matcher m = SYNTAX.matcher(expression);
        if (!m.matches()) {
            throw new InvalidInputException(Parameter.REQUIRE, "requirement '" + expression + "' is not understood; "
                    + EXPECTED);
        }
        Comparison comparison = switch (m.group(2)) {
            case ">=" -> Comparison.AT_LEAST;
            case "<=" -> Comparison.AT_MOST;
            case ">" -> Comparison.ABOVE;
            default -> Comparison.BELOW;
        };
        if (m.group(3) != null) {
            return new Requirement(expression.strip(), m.group(1), comparison, false, '=',
                    finite(expression, m.group(3)));
        }
        char operation = m.group(4) == null ? '*' : m.group(4).charAt(0);
        double operand = m.group(5) == null ? 1.0 : finite(expression, m.group(5));
        if (operation == '*' && operand <= 0) {
            throw new InvalidInputException(Parameter.REQUIRE, "requirement '" + expression + "': baseline*N needs a "
                    + "factor N above 0; e.g. rmse<=baseline*1.02");
        }
        return new Requirement(expression.strip(), m.group(1), comparison, true, operation, operand);
    }

    private static double finite(String expression, String number) {
        double value = Double.parseDouble(number);
        if (!Double.isFinite(value)) {
            throw new InvalidInputException(Parameter.REQUIRE, "requirement '" + expression + "': " + number
                    + " is not a finite number; " + EXPECTED);
        }
        return value;
    }

    /** The threshold for a given baseline value (ignored when the requirement has a fixed number). */
    public double threshold(double baseline) {
        if (!usesBaseline) {
            return operand;
        }
        return switch (operation) {
            case '+' -> baseline + operand;
            case '-' -> baseline - operand;
            default -> baseline * operand;
        };
    }

    /**
     * Why this requirement cannot be applied to a baseline value, or null. {@code baseline*N} is meant as a relative
     * tolerance; with a negative baseline it would turn the other way (r2>=baseline*0.95 with a baseline of -0.2
     * demands -0.19, more than the baseline), so it is refused rather than silently inverted.
     */
    public String inapplicableTo(double baseline) {
        if (usesBaseline && operation == '*' && operand != 1.0 && baseline < 0) {
            return String.format(java.util.Locale.ROOT, "requirement '%s': the baseline's %s is %s, negative, where "
                    + "baseline*%s would %s the threshold the other way than intended; use baseline+N or baseline-N "
                    + "for a tolerance", expression, metric, Numbers.format(baseline), Numbers.format(operand),
                    operand < 1 ? "raise" : "lower");
        }
        return null;
    }

    public boolean holds(double value, double threshold) {
        return comparison.holds(value, threshold);
    }
}
