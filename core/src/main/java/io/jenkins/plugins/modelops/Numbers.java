package io.jenkins.plugins.modelops;

import java.util.Locale;

/** Numbers in messages, model cards and logs: always with a decimal point, whatever the JVM's locale. */
public final class Numbers {

    private Numbers() {
    }

    /** The shortest form: {@code 5}, not {@code 5.0}; {@code 0.25}. */
    public static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        double magnitude = Math.abs(v);
        return Double.isFinite(v) && magnitude >= 1e-6 && magnitude < 1e15
                ? java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() // 0.0001, not 1.0E-4
                : Double.toString(v);
    }

    /** A fixed number of decimals: {@code fixed(0.96667, 4)} is {@code 0.9667} under every locale. */
    public static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
