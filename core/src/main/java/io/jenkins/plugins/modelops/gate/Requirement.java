package io.jenkins.plugins.modelops.gate;

import io.jenkins.plugins.modelops.InvalidInputException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One offline gate condition, TFX-blessing style: {@code accuracy>=0.90}, {@code rmse<=baseline*1.02},
 * {@code f1_macro>=baseline-0.01}. The right side is a number or {@code baseline} (the same metric of the baseline
 * bundle), optionally scaled ({@code *}) or shifted ({@code +}, {@code -}) by a number.
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

    private static final String NUMBER = "[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?";
    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(>=|<=|>|<)\\s*(?:(" + NUMBER + ")|baseline\\s*(?:([*+-])\\s*("
                    + NUMBER + "))?)\\s*");

    public static Requirement parse(String expression) {
        Matcher m = SYNTAX.matcher(expression);
        if (!m.matches()) {
            throw new InvalidInputException("requirement '" + expression + "' is not understood; expected METRIC OP "
                    + "VALUE with OP one of >=, <=, >, < and VALUE a number or baseline, baseline*N, baseline+N, "
                    + "baseline-N; e.g. accuracy>=0.90 or rmse<=baseline*1.02");
        }
        Comparison comparison = switch (m.group(2)) {
            case ">=" -> Comparison.AT_LEAST;
            case "<=" -> Comparison.AT_MOST;
            case ">" -> Comparison.ABOVE;
            default -> Comparison.BELOW;
        };
        if (m.group(3) != null) {
            return new Requirement(expression.strip(), m.group(1), comparison, false, '=', Double.parseDouble(m.group(3)));
        }
        char operation = m.group(4) == null ? '*' : m.group(4).charAt(0);
        double operand = m.group(5) == null ? 1.0 : Double.parseDouble(m.group(5));
        return new Requirement(expression.strip(), m.group(1), comparison, true, operation, operand);
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

    public boolean holds(double value, double threshold) {
        return comparison.holds(value, threshold);
    }
}
