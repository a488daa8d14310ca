package io.jenkins.plugins.modelops.data.synthetic;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates {@code course-satisfaction.csv}: a synthetic, seeded regression data set about an online-learning
 * platform. Each row is one learner's enrolment in one course; the label is the learner's end-of-course
 * satisfaction rating.
 *
 * <h2>Columns</h2>
 * <ul>
 *   <li>{@code enrolment_id}: {@code E00001}, {@code E00002}, ... A row id with no signal: exclude it from
 *       training.</li>
 *   <li>{@code course}: one of eight course names ({@link #COURSES}); two of them contain a comma, so the CSV
 *       quotes them.</li>
 *   <li>{@code teacher}: one of six teachers ({@link #TEACHERS}). Each course has a main teacher (70% of its
 *       enrolments) and a second one (30%), so course and teacher are correlated but separable.</li>
 *   <li>{@code difficulty}: the track the learner enrolled in, {@code beginner|intermediate|advanced}
 *       (45% / 35% / 20%).</li>
 *   <li>{@code videos_watched_pct}: 0-100, one decimal.</li>
 *   <li>{@code quiz_attempts}: integer, at least 1.</li>
 *   <li>{@code avg_quiz_score}: 0-100, one decimal.</li>
 *   <li>{@code forum_posts}: integer; blank in about 1% of rows (missing completely at random), so missing-value
 *       policies such as {@code mean} and {@code drop} have something to do.</li>
 *   <li>{@code sessions_per_week}: 0-14, one decimal.</li>
 *   <li>{@code days_since_last_login}: integer, 0-90.</li>
 *   <li>{@code satisfaction}: the regression label, 0-10, one decimal.</li>
 * </ul>
 *
 * <h2>How a row is made</h2>
 * Three hidden quantities drive each row and are not written: the teacher's quality effect {@code T} and the
 * course's appeal {@code C} (both fixed, see {@link #TEACHER_EFFECT} and {@link #COURSE_EFFECT}), the learner's
 * prior experience level {@code e} (0-2: equal to the track's level {@code d} in 55% of rows, one level off in
 * 35%, two levels off in 10% where possible), and an engagement score {@code z ~ N(0,1)}. With {@code g} standing
 * for a fresh {@code N(0,1)} draw each time:
 * <pre>
 * videos_watched_pct    = clip(58 + 20 z + 4 T + 3 (e - d) + 10 g, 0, 100)
 * sessions_per_week     = clip(2.6 + 1.0 z + 0.7 g, 0, 14)
 * quiz_attempts         = max(1, round(3 + 1.2 z + 1.2 (d - e) + 1.3 g))
 * avg_quiz_score        = clip(71 + 7 z + 10 (e - d) + 2.5 T + 9 g, 0, 100)
 * forum_posts           ~ Poisson(exp(0.6 + 0.7 z + 0.15 T)), at most 60
 * days_since_last_login = min(90, floor(exp(1.6 - 0.6 z + 0.7 g)))
 * </pre>
 * The label is then computed from the values as written (after rounding):
 * <pre>
 * satisfaction = clip(6.2
 *                     + 0.02  (videos_watched_pct - 60)
 *                     + 0.03  (avg_quiz_score - 70)
 *                     + 0.3   ln(1 + forum_posts)
 *                     + 0.2   (sessions_per_week - 2.5)
 *                     - 0.025 days_since_last_login
 *                     - 0.1   max(0, quiz_attempts - 4)
 *                     + T + C
 *                     - 0.8   |d - e|
 *                     + 0.6 g, 0, 10), rounded to one decimal
 * </pre>
 * So a model can learn the per-teacher and per-course offsets from the categorical columns, recover part of the
 * hidden difficulty mismatch from the quiz columns, and is left with Gaussian noise of standard deviation 0.6 (an
 * RMSE floor of about 0.6 and an R^2 ceiling of about 0.8). A blank {@code forum_posts} cell hides a value the label
 * did use.
 *
 * <h2>Determinism</h2>
 * One {@link SplittableRandom} seeded with {@code seed} is drawn in a fixed order, row after row, and only
 * {@link StrictMath} is used, so a given {@code (rows, seed)} always gives the same bytes on any JVM, and the first
 * {@code n} rows of a larger file equal the file made with {@code rows = n} and the same seed. Output is CSV per
 * RFC 4180 (fields holding a comma, a double quote or a line break are quoted, embedded quotes doubled), UTF-8,
 * with {@code \n} line endings and a header row.
 *
 * <p>The example shipped in {@code examples/course-satisfaction.csv} was made with
 * {@code java CourseSatisfaction.java 2000 42 examples/course-satisfaction.csv}.
 */
public final class CourseSatisfaction {

    /** The header, in column order. */
    public static final List<String> COLUMNS = List.of("enrolment_id", "course", "teacher", "difficulty",
            "videos_watched_pct", "quiz_attempts", "avg_quiz_score", "forum_posts", "sessions_per_week",
            "days_since_last_login", "satisfaction");

    /** The course names. */
    public static final List<String> COURSES = List.of("Intro to Python", "Data Analysis with SQL",
            "Machine Learning, Hands-On", "Web Development Basics", "Statistics for Everyone",
            "Cloud Computing Fundamentals", "Cybersecurity Essentials", "Project Management, the Agile Way");

    /** Each course's hidden appeal {@code C}, added to the satisfaction score; same order as {@link #COURSES}. */
    public static final List<Double> COURSE_EFFECT = List.of(0.3, 0.1, 0.2, 0.0, -0.2, -0.1, 0.0, -0.3);

    /** The teacher names. */
    public static final List<String> TEACHERS = List.of("Ada Okafor", "Ben Carter", "Chloe Martin",
            "Diego Alvarez", "Emma Schultz", "Farid Haddad");

    /** Each teacher's hidden quality effect {@code T}; same order as {@link #TEACHERS}. */
    public static final List<Double> TEACHER_EFFECT = List.of(0.8, 0.3, 0.0, -0.2, -0.7, 0.4);

    /** The difficulty tracks, by level 0, 1, 2. */
    public static final List<String> DIFFICULTIES = List.of("beginner", "intermediate", "advanced");

    /** Per course: index of its main teacher (70% of enrolments) and of its second teacher. */
    private static final int[][] COURSE_TEACHERS = {{0, 2}, {1, 3}, {0, 4}, {5, 1}, {4, 2}, {3, 5}, {5, 0}, {2, 3}};

    private static final double MISSING_FORUM_POSTS = 0.01;

    private CourseSatisfaction() {
    }

    /** Writes {@code rows} rows (plus a header) generated from {@code seed} to {@code out}, creating parent directories. */
    public static void write(Path out, int rows, long seed) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            write(writer, rows, seed);
        }
    }

    /** Writes {@code rows} rows (plus a header) generated from {@code seed} to {@code out}; flushes, does not close. */
    public static void write(Writer out, int rows, long seed) throws IOException {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, was " + rows);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int idWidth = Math.max(5, Integer.toString(rows).length());
        StringBuilder line = new StringBuilder(160);
        appendRow(line, COLUMNS.toArray(new String[0]));
        out.write(line.toString());
        for (int i = 0; i < rows; i++) {
            line.setLength(0);
            appendRow(line, row(random, "E" + zeroPad(i + 1, idWidth)));
            out.write(line.toString());
        }
        out.flush();
    }

    /** Draws one row, in {@link #COLUMNS} order. The draw order is part of the format: do not reorder. */
    private static String[] row(SplittableRandom r, String id) {
        int course = r.nextInt(COURSES.size());
        int teacher = COURSE_TEACHERS[course][r.nextDouble() < 0.7 ? 0 : 1];
        double t = TEACHER_EFFECT.get(teacher);
        double c = COURSE_EFFECT.get(course);

        double u = r.nextDouble();
        int d = u < 0.45 ? 0 : u < 0.80 ? 1 : 2;
        int e = experience(r, d);
        double z = gaussian(r);

        double videos = round1(clip(58 + 20 * z + 4 * t + 3 * (e - d) + 10 * gaussian(r), 0, 100));
        double sessions = round1(clip(2.6 + 1.0 * z + 0.7 * gaussian(r), 0, 14));
        int attempts = (int) Math.max(1, Math.round(3 + 1.2 * z + 1.2 * (d - e) + 1.3 * gaussian(r)));
        double quizScore = round1(clip(71 + 7 * z + 10 * (e - d) + 2.5 * t + 9 * gaussian(r), 0, 100));
        int posts = Math.min(60, poisson(r, StrictMath.exp(0.6 + 0.7 * z + 0.15 * t)));
        int days = (int) Math.min(90, StrictMath.floor(StrictMath.exp(1.6 - 0.6 * z + 0.7 * gaussian(r))));

        double score = 6.2
                + 0.02 * (videos - 60)
                + 0.03 * (quizScore - 70)
                + 0.3 * StrictMath.log1p(posts)
                + 0.2 * (sessions - 2.5)
                - 0.025 * days
                - 0.1 * Math.max(0, attempts - 4)
                + t + c
                - 0.8 * Math.abs(d - e)
                + 0.6 * gaussian(r);
        double satisfaction = round1(clip(score, 0, 10));
        boolean postsMissing = r.nextDouble() < MISSING_FORUM_POSTS;

        return new String[] {id, COURSES.get(course), TEACHERS.get(teacher), DIFFICULTIES.get(d), fmt1(videos),
            Integer.toString(attempts), fmt1(quizScore), postsMissing ? "" : Integer.toString(posts), fmt1(sessions),
            Integer.toString(days), fmt1(satisfaction)};
    }

    /** The learner's hidden experience level: the track's level (55%), one off (35%) or two off where possible (10%). */
    private static int experience(SplittableRandom r, int d) {
        double u = r.nextDouble();
        if (u < 0.55) {
            return d;
        }
        if (u < 0.90) {
            if (d == 1) {
                return r.nextDouble() < 0.5 ? 0 : 2;
            }
            return 1;
        }
        if (d == 1) {
            return r.nextDouble() < 0.5 ? 0 : 2;
        }
        return 2 - d;
    }

    /** A standard normal draw (Box-Muller, two uniforms per draw, nothing cached). */
    static double gaussian(SplittableRandom r) {
        double u1 = 1.0 - r.nextDouble(); // (0, 1]
        double u2 = r.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** A Poisson draw by Knuth's multiplication method; fine for the small means used here. */
    static int poisson(SplittableRandom r, double mean) {
        double limit = StrictMath.exp(-mean);
        double product = r.nextDouble();
        int k = 0;
        while (product > limit) {
            k++;
            product *= r.nextDouble();
        }
        return k;
    }

    private static double clip(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    /** One decimal, locale-free: {@code 7.0}, {@code 0.5}, {@code -1.2}. */
    static String fmt1(double value) {
        long tenths = Math.round(value * 10);
        String sign = tenths < 0 ? "-" : "";
        long abs = Math.abs(tenths);
        return sign + (abs / 10) + "." + (abs % 10);
    }

    private static String zeroPad(int value, int width) {
        String digits = Integer.toString(value);
        return digits.length() >= width ? digits : "0".repeat(width - digits.length()) + digits;
    }

    /** Appends one CSV record, RFC 4180 quoting where needed, ending in {@code \n}. */
    static void appendRow(StringBuilder line, String... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            appendField(line, fields[i]);
        }
        line.append('\n');
    }

    static void appendField(StringBuilder line, String field) {
        boolean quote = false;
        for (int i = 0; i < field.length() && !quote; i++) {
            char ch = field.charAt(i);
            quote = ch == ',' || ch == '"' || ch == '\n' || ch == '\r';
        }
        if (!quote) {
            line.append(field);
            return;
        }
        line.append('"');
        for (int i = 0; i < field.length(); i++) {
            char ch = field.charAt(i);
            if (ch == '"') {
                line.append('"');
            }
            line.append(ch);
        }
        line.append('"');
    }

    /** {@code java CourseSatisfaction.java ROWS SEED OUT_FILE}: writes the data set to OUT_FILE. */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: CourseSatisfaction ROWS SEED OUT_FILE");
            System.exit(2);
            return;
        }
        int rows;
        long seed;
        try {
            rows = Integer.parseInt(args[0]);
            seed = Long.parseLong(args[1]);
        } catch (NumberFormatException e) {
            System.err.println("ROWS and SEED must be integers: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path out = Path.of(args[2]);
        try {
            write(out, rows, seed);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + out, e);
        }
        System.out.println("wrote " + rows + " rows to " + out);
    }
}
