package io.jenkins.plugins.modelops;

import java.util.Locale;

/** Numbers in messages, model cards and logs: always with a decimal point, whatever the JVM's locale. */
public final class Numbers {

    private Numbers() {
    }

    /** The shortest form: {@code 5}, not {@code 5.0}; {@code 0.25}. */
    public static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** A fixed number of decimals: {@code fixed(0.96667, 4)} is {@code 0.9667} under every locale. */
    public static String fixed(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
