package io.jenkins.plugins.modelops.monitor.signal;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Numbers;
import io.jenkins.plugins.modelops.Parameter;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One gate condition on a live signal: {@code accuracy>=0.9}, {@code latencyP99<=50ms}, {@code errorRate<=1%},
 * {@code alerts==0}, or relative to the stable version beside a canary: {@code accuracy>=baseline-0.02},
 * {@code latencyP99<=baseline*1.2}, {@code latency<=baseline} (the distributions compared, Kayenta style). Thresholds are kept in the signal's base unit (seconds, a ratio).
 *
 * @param operand the number after {@code baseline} and its operation, or the threshold itself
 */
public record Condition(String expression, Signal signal, Comparison comparison, boolean usesBaseline,
                        char operation, double operand) {

    public enum Comparison {
        AT_LEAST(">=", "<"), AT_MOST("<=", ">"), ABOVE(">", "<="), BELOW("<", ">="), EQUAL("==", "!=");

        private final String symbol;
        private final String violation;

        Comparison(String symbol, String violation) {
            this.symbol = symbol;
            this.violation = violation;
        }

        public String symbol() {
            return symbol;
        }

        /** The PromQL comparison that selects the values which break the condition (what an alert fires on). */
        public String violation() {
            return violation;
        }

        public boolean holds(double value, double threshold) {
            return switch (this) {
                case AT_LEAST -> value >= threshold;
                case AT_MOST -> value <= threshold;
                case ABOVE -> value > threshold;
                case BELOW -> value < threshold;
                case EQUAL -> value == threshold;
            };
        }
    }

    private static final String NUMBER = "(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?";
    private static final Pattern SYNTAX = Pattern.compile("\\s*([A-Za-z][A-Za-z0-9]*)\\s*(>=|<=|==|>|<)\\s*(?:("
            + NUMBER + ")\\s*(ms|s|%)?|baseline\\s*(?:([*+-])\\s*(" + NUMBER + ")\\s*(ms|s|%)?)?)\\s*");
    private static final String EXPECTED = "expected SIGNAL OP VALUE: SIGNAL one of " + Signal.ids()
            + "; OP one of >=, <=, >, <, ==; VALUE a number (50ms, 0.05s and 5% allowed where they fit) or baseline, "
            + "baseline*N, baseline+N, baseline-N; e.g. accuracy>=0.9, latencyP99<=50ms, errorRate<=1%, alerts==0";

    public static Condition parse(String expression) {
        Matcher m = SYNTAX.matcher(expression == null ? "" : expression);
        if (!m.matches()) {
            throw bad(expression, "is not understood; " + EXPECTED);
        }
        Signal signal = Signal.byId(m.group(1)).orElseThrow(() -> bad(expression, "names no signal '" + m.group(1)
                + "'; the signals are " + Signal.ids()));
        Comparison comparison = switch (m.group(2)) {
            case ">=" -> Comparison.AT_LEAST;
            case "<=" -> Comparison.AT_MOST;
            case ">" -> Comparison.ABOVE;
            case "<" -> Comparison.BELOW;
            default -> Comparison.EQUAL;
        };
        boolean baseline = m.group(3) == null;
        if (signal == Signal.LATENCY && !(baseline && m.group(5) == null && comparison == Comparison.AT_MOST)) {
            throw bad(expression, "compares the whole latency distribution with the baseline's (a Mann-Whitney U "
                    + "test): write latency<=baseline; for a bound on a quantile write latencyP99<=50ms");
        }
        if (baseline && signal == Signal.ALERTS) {
            throw bad(expression, "compares alerts with a baseline; alerts take a count: alerts==0");
        }
        if (!baseline) {
            double value = value(expression, signal, m.group(3), m.group(4), false);
            return new Condition(expression.strip(), signal, comparison, false, '=', value);
        }
        if (m.group(5) == null) {
            return new Condition(expression.strip(), signal, comparison, true, '*', 1.0);
        }
        char operation = m.group(5).charAt(0);
        double operand = value(expression, signal, m.group(6), m.group(7), operation == '*');
        if (operation == '*' && operand <= 0) {
            throw bad(expression, "scales the baseline by " + Numbers.format(operand) + "; a factor must be positive");
        }
        return new Condition(expression.strip(), signal, comparison, true, operation, operand);
    }

    /** The threshold, given the baseline's value (ignored without {@code baseline}). */
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

    private static double value(String expression, Signal signal, String number, String unit, boolean factor) {
        double value = Double.parseDouble(number);
        if (factor) {
            if (unit != null) {
                throw bad(expression, "gives the factor '" + number + unit + "' a unit; a factor is a plain number");
            }
            return value;
        }
        return switch (signal.unit()) {
            case SECONDS -> unit == null || unit.equals("s") ? value : unit.equals("ms") ? value / 1000
                    : unitError(expression, signal, unit, "50ms, 0.05s or 0.05 (seconds)");
            case RATIO -> {
                if ("%".equals(unit)) {
                    value = value / 100;
                } else if (unit != null) {
                    unitError(expression, signal, unit, "0.9 or 90%");
                }
                if (value > 1) {
                    throw bad(expression, "sets " + signal.id() + " to " + number + (unit == null ? "" : unit)
                            + ", above 1; " + signal.id() + " is a ratio between 0 and 1: write 0.9 or 90%");
                }
                yield value;
            }
            case COUNT -> {
                if (unit != null || value != Math.rint(value)) {
                    throw bad(expression, "counts " + signal.id() + " with '" + number + (unit == null ? "" : unit)
                            + "'; a count is a whole number, e.g. alerts==0");
                }
                yield value;
            }
            default -> unit == null ? value : unitError(expression, signal, unit,
                    signal.unit() == Signal.Unit.PER_SECOND ? "requests per second, e.g. 5" : "a plain number in the "
                            + "label's own unit");
        };
    }

    private static double unitError(String expression, Signal signal, String unit, String accepted) {
        throw bad(expression, "gives " + signal.id() + " the unit '" + unit + "'; " + signal.id() + " takes "
                + accepted);
    }

    private static InvalidInputException bad(String expression, String why) {
        return new InvalidInputException(Parameter.GATE, String.format(Locale.ROOT, "%s '%s' %s", Parameter.GATE.ref(),
                expression, why));
    }
}
