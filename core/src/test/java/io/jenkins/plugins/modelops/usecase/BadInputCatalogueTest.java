package io.jenkins.plugins.modelops.usecase;

import io.jenkins.plugins.modelops.train.Algorithm;
import io.jenkins.plugins.modelops.train.TrainingConfig;

import io.jenkins.plugins.modelops.Examples;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.CsvFormat;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.data.Task;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every kind of bad input a user can give trainModel, each with the message it must produce: the file, line,
 * column, field or value, and what would be accepted. No case may leave a bundle behind.
 */
class BadInputCatalogueTest {

    @TempDir
    Path dir;

    /**
     * A bad-input case: the data (CSV text, {@link #LATIN1} bytes, null for iris), a request change, and the exact
     * message, with the test's folders written as {@code DIR/} and the examples folder as {@code EXAMPLES/}.
     */
    record Case(String name, Object data, UnaryOperator<TrainModel.Request> change, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String SMALL = "x,y,kind\n1,2,a\n2,3,b\n3,4,a\n4,5,b\n5,6,a\n6,7,b\n";
    /** Forty rows of three columns, the third a class: a quote left open in row {@code at} swallows the rest. */
    private static String openQuote(String row) {
        StringBuilder csv = new StringBuilder("x,y,kind\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i == 10 ? row : i + "," + (i % 5) + "," + (i % 2 == 0 ? "a" : "b")).append('\n');
        }
        return csv.toString();
    }


    static Stream<Arguments> cases() {
        return Stream.of(
                // --- the data file and its format
                new Case("unknown label column", null, r -> label(r, "kind"),
                        "EXAMPLES/iris.csv: no label column 'kind'; the columns are: sepal_length, sepal_width, "
                        + "petal_length, petal_width, species"),
                new Case("non-numeric value in a numeric column", "x,y,kind\n1,2,a\n2,3,b\nabc,4,a\n4,5,b\n",
                        r -> label(r, "kind"),
                        "DIR/data.csv line 4, column 'x': value 'abc' is not a number, but 3 of the column's 4 "
                        + "values are numbers. Accepted: a decimal number such as 3 or -0.25, a missing value "
                        + "(empty, NA), or categorical: x to treat the whole column as text"),
                new Case("ragged row", "x,y,kind\n1,2,a\n2,b\n", r -> label(r, "kind"),
                        "DIR/data.csv line 3: 2 fields, but the header (line 1) has 3 columns; every row needs one "
                        + "value per column (a value or a delimiter is missing)"),
                new Case("ragged row in a semicolon file", "x;y;kind\n1;2;a\n2;b\n",
                        r -> format(label(r, "kind"), ';', '.'),
                        "DIR/data.csv line 3: 2 fields, but the header (line 1) has 3 columns; every row needs one "
                        + "value per column (a value or a delimiter is missing)"),
                new Case("empty file", "", r -> label(r, "kind"),
                        "DIR/data.csv: the file is empty; expected a header row and data rows"),
                new Case("header only", "x,y,kind\n", r -> label(r, "kind"),
                        "DIR/data.csv: only a header row (x,y,kind); expected data rows below it"),
                new Case("no such data file", "@missing", r -> label(r, "kind"),
                        "DIR/absent.csv: no such data file"),
                new Case("not UTF-8 (a Latin-1 export)", LATIN1, r -> label(r, "kind"),
                        "DIR/data.csv line 3: byte 0xF6 is not UTF-8 (in Latin-1 it would be 'ö'); the file is not "
                        + "UTF-8 text. Re-encode it, e.g. from Latin-1: iconv -f latin1 -t utf-8 data.csv > "
                        + "data-utf8.csv"),
                new Case("UTF-16 with a byte order mark", UTF16, r -> label(r, "kind"),
                        "DIR/data.csv: the file is UTF-16 text (it starts with a UTF-16 byte order mark); save it "
                        + "as UTF-8, e.g. iconv -f utf-16 -t utf-8 data.csv > data-utf8.csv"),
                new Case("a quote that never closes, last column", openQuote("10,0,\"a"), r -> label(r, "kind"),
                        "DIR/data.csv line 12: a quote opens in column 'kind' and never closes, so the rest of the "
                        + "file would be read as one value; close the quote, and write a quote inside a quoted value "
                        + "as two (\"\")"),
                new Case("a quote that never closes, middle column", openQuote("10,\"0,a"), r -> label(r, "kind"),
                        "DIR/data.csv line 12: a quote opens in column 'y' and never closes, so the rest of the "
                        + "file would be read as one value; close the quote, and write a quote inside a quoted value "
                        + "as two (\"\")"),
                new Case("semicolon delimiter under the default comma", "x;y;kind\n1;2;a\n2;3;b\n",
                        r -> label(r, "kind"),
                        "DIR/data.csv line 1: the header is one column ('x;y;kind'); the file seems to use ';' as "
                        + "its delimiter: pass delimiter: ';'"),
                new Case("tab delimiter under the default comma", "x\ty\tkind\n1\t2\ta\n2\t3\tb\n",
                        r -> label(r, "kind"),
                        "DIR/data.csv line 1: the header is one column ('x\\ty\\tkind'); the file seems to use a "
                        + "tab ('\\t') as its delimiter: pass delimiter: tab"),
                new Case("decimal commas, quoted in a comma file", decimalCommas(',', true), r -> label(r, "kind"),
                        "DIR/data.csv: column 'x' holds numbers with decimal commas ('0,10' on line 2): pass "
                        + "decimal: ',' to read them as numbers, or categorical: x to keep them as text"),
                new Case("decimal commas in a semicolon file", decimalCommas(';', false),
                        r -> format(label(r, "kind"), ';', '.'),
                        "DIR/data.csv: column 'x' holds numbers with decimal commas ('0,10' on line 2): pass "
                        + "decimal: ',' to read them as numbers, or categorical: x to keep them as text"),
                new Case("decimal commas in the label", "x;y\n1;0,5\n2;1,5\n3;2,25\n4;3,75\n",
                        r -> format(label(r, "y"), ';', '.'),
                        "DIR/data.csv: column 'y' holds numbers with decimal commas ('0,5' on line 2): pass "
                        + "decimal: ',' to read them as numbers, or categorical: y to keep them as text"),
                new Case("delimiter that is not supported", SMALL, r -> format(label(r, "kind"), '|', '.'),
                        "delimiter '|' is not supported; expected ',' (the default), ';' or a tab ('\\t' or 'tab')"),
                new Case("a quote left open on a last line without a newline", "x,kind\n1,a\n2,b\n3,\"a",
                        r -> label(r, "kind"),
                        "DIR/data.csv line 4: a quote opens in column 'kind' and never closes, so the rest of the "
                        + "file would be read as one value; close the quote, and write a quote inside a quoted value "
                        + "as two (\"\")"),
                new Case("a header name holding a semicolon", "name;price, EUR;kind\nA;1;a\n", r -> label(r, "kind"),

                        "DIR/data.csv line 1: header column 1 holds ';' ('name;price'); the file seems to use ';' "
                        + "as its delimiter: pass delimiter: ';'"),
                new Case("whole numbers and decimal commas in one column", mixedCommas("5,5"),
                        r -> format(label(r, "kind"), ';', '.'),
                        "DIR/data.csv: column 'x' holds numbers with decimal commas ('5,5' on line 3): pass "
                        + "decimal: ',' to read them as numbers, or categorical: x to keep them as text"),
                new Case("thousands separators", mixedCommas("1,500"), r -> format(label(r, "kind"), ';', '.'),
                        "DIR/data.csv: column 'x' holds numbers written with a comma before three digits ('1,500' "
                        + "on line 3): if it separates thousands, export the numbers without grouping; if it is the "
                        + "decimal mark, pass decimal: ','; or pass categorical: x to keep them as text"),
                new Case("decimal commas in a regression label", "x;y\n1;0,5\n2;1,5\n3;2,25\n4;3,75\n",
                        r -> format(spec(label(r, "y"), s -> s.withTask(Task.REGRESSION)), ';', '.'),
                        "DIR/data.csv: column 'y' holds numbers with decimal commas ('0,5' on line 2): pass "
                        + "decimal: ',' to read them as numbers, or categorical: y to keep them as text"),
                new Case("output holds a bundle.json that is not ours", SMALL, r -> plantedOutput(label(r, "kind")),
                        "output: DIR/mine exists, is not empty and is not a ModelOps bundle (its bundle.json is "
                        + "not in the bundle format); refusing to replace it. Name a new or empty directory, or an "
                        + "earlier bundle"),
                new Case("decimal mark that is not supported", SMALL, r -> format(label(r, "kind"), ',', ';'),
                        "decimal mark ';' is not supported; expected '.' (the default) or ','"),
                new Case("header column without a name", "x,,kind\n1,2,a\n", r -> label(r, "kind"),
                        "DIR/data.csv line 1: header column 2 has no name; every column needs a unique name"),
                new Case("header names a column twice", "x,x,kind\n1,2,a\n", r -> label(r, "kind"),
                        "DIR/data.csv line 1: header names column 'x' twice (columns 1 and 2); column names must "
                        + "be unique"),
                // --- columns and the label
                new Case("a single class", "x,kind\n1,a\n2,a\n3,a\n", r -> label(r, "kind"),
                        "DIR/data.csv: label column 'kind' has a single class ('a') in all 3 rows; classification "
                        + "needs at least two classes"),
                new Case("missing value under policy error", "x,y,kind\n1,2,a\n,3,b\n3,4,a\n4,5,b\n",
                        r -> label(r, "kind"),
                        "DIR/data.csv line 3, column 'x': missing value ''; with missing: error every feature "
                        + "needs a value. Accepted: fill it, missing: drop (drop such rows) or missing: mean (impute "
                        + "numeric columns)"),
                new Case("missing label", "x,y,kind\n1,2,a\n2,3,NA\n3,4,a\n4,5,b\n", r -> label(r, "kind"),
                        "DIR/data.csv line 3, column 'kind': the label is missing (value 'NA'); fill it, or use "
                        + "missing: drop to drop such rows (a missing label is never imputed)"),
                new Case("a label with no value in any row, policy drop", "x,kind\n1,\n2,NA\n3,\n",
                        r -> spec(label(r, "kind"), s -> s.withMissing(MissingPolicy.DROP)),
                        "DIR/data.csv: the label column 'kind' has no value in any of the 3 rows, so there is "
                        + "nothing to learn; choose another label column"),
                new Case("a label with no value in any row, policy mean", "x,kind\n1,\n2,NA\n3,\n",
                        r -> spec(label(r, "kind"), s -> s.withMissing(MissingPolicy.MEAN)),
                        "DIR/data.csv: the label column 'kind' has no value in any of the 3 rows, so there is "
                        + "nothing to learn; choose another label column"),
                new Case("every row dropped", "x,y,kind\n,2,a\n1,,b\n2,3,\n",
                        r -> spec(label(r, "kind"), s -> s.withMissing(MissingPolicy.DROP)),
                        "DIR/data.csv: every row has a missing value, so missing: drop left no rows; fill the "
                        + "values, or use missing: mean to impute missing numeric features (a missing label is never "
                        + "imputed)"),
                new Case("unknown feature column", null, r -> spec(r, s -> s.withFeatures(List.of("petal_length", "zzz"))),

                        "EXAMPLES/iris.csv: no column 'zzz' (named in the feature list); the columns are: "
                        + "sepal_length, sepal_width, petal_length, petal_width, species"),
                new Case("unknown excluded column", null, r -> spec(r, s -> s.withExclude(List.of("id"))),
                        "EXAMPLES/iris.csv: no column 'id' (named in the excluded columns); the columns are: "
                        + "sepal_length, sepal_width, petal_length, petal_width, species"),
                new Case("unknown categorical column", null, r -> spec(r, s -> s.withCategorical(List.of("colour"))),

                        "EXAMPLES/iris.csv: no column 'colour' (named in the categorical columns); the columns "
                        + "are: sepal_length, sepal_width, petal_length, petal_width, species"),
                new Case("label listed as a feature", null,
                        r -> spec(r, s -> s.withFeatures(List.of("petal_length", "species"))),
                        "column 'species' is the label, so it cannot also be a feature; remove it from the features"),
                new Case("a feature named twice", null,
                        r -> spec(r, s -> s.withFeatures(List.of("petal_length", "petal_length"))),
                        "the feature list [petal_length, petal_length] names a column twice; name each feature once"),
                new Case("no feature left", "id,kind\n1,a\n2,b\n", r -> spec(label(r, "kind"), s -> s.withExclude(List.of("id"))),

                        "DIR/data.csv: no feature columns left after removing the label 'kind' and the excluded "
                        + "columns [id]; the columns are: id, kind"),
                new Case("a column named like a one-hot feature", "color,color=red,kind\nred,1,a\nblue,0,b\nred,1,a\nblue,0,b\n",
                        r -> label(r, "kind"),
                        "DIR/data.csv: column 'color=red' has the name of a one-hot feature of the text column "
                        + "'color'; rename it (or exclude it with exclude: color=red)"),
                new Case("regression label with text", "x,y\n1,a\n2,b\n3,c\n",
                        r -> spec(label(r, "y"), s -> s.withTask(Task.REGRESSION)),
                        "DIR/data.csv line 2, column 'y': value 'a' is not a number; a regression label must be "
                        + "numeric (or use task: classification)"),
                new Case("mean imputation of a text column", "x,c,kind\n1,u,a\n2,,b\n3,v,a\n4,u,b\n",
                        r -> spec(label(r, "kind"), s -> s.withMissing(MissingPolicy.MEAN)),
                        "DIR/data.csv line 3, column 'c': missing value '' in a text column; missing: mean imputes "
                        + "numeric columns only. Accepted: fill it, or missing: drop"),
                new Case("a column with no values to learn or impute", "x,y,kind\n,1,a\n,2,b\n,3,a\n,4,b\n,5,a\n,6,b\n",
                        r -> spec(label(r, "kind"), s -> s.withMissing(MissingPolicy.MEAN)),
                        "DIR/data.csv: column 'x' has no values in the 4 training rows, so it cannot be learned or "
                        + "imputed; exclude it (exclude: x)"),
                // --- algorithm, hyperparameters, split
                new Case("algorithm for another task", COURSES, r -> config(spec(label(r, "satisfaction"),
                                s -> s.withExclude(List.of("enrolment_id")).withMissing(MissingPolicy.MEAN)),
                                c -> c.withAlgorithm(Algorithm.LOGISTIC)),
                        "algorithm 'logistic' does not do regression; for regression use one of: sgd, cart, "
                        + "random-forest, xgboost (the task is regression because the label has fractional numbers)"),
                new Case("unknown hyperparameter", null,
                        r -> config(r, c -> c.withAlgorithm(Algorithm.CART).withParams(Map.of("depth", "3"))),
                        "unknown hyperparameter 'depth' for algorithm 'cart'; valid keys (with defaults): "
                        + "max_depth=10, min_child_weight=5.0, min_impurity_decrease=0.0, impurity=gini, bins=1024"),
                new Case("hyperparameter out of range", null,
                        r -> config(r, c -> c.withAlgorithm(Algorithm.CART).withParams(Map.of("max_depth", "0"))),
                        "hyperparameter max_depth=0 of algorithm 'cart' is not valid; expected a whole number from "
                        + "1 to 64"),
                new Case("hyperparameter of the wrong type", null,
                        r -> config(r, c -> c.withAlgorithm(Algorithm.XGBOOST).withParams(Map.of("eta", "fast"))),
                        "hyperparameter eta=fast of algorithm 'xgboost' is not valid; expected a number from "
                        + "0.0001 to 1"),
                new Case("test fraction out of range", null, r -> config(r, c -> c.withTestFraction(1.5)),
                        "test fraction 1.5 is not valid; expected a number between 0 and 1 (exclusive), e.g. 0.2"),
                new Case("fewer rows than folds", SMALL, r -> config(label(r, "kind"), c -> c.withFolds(10)),
                        "DIR/data.csv: 4 training rows are fewer than the 10 folds asked for; ask for at most 4 "
                        + "folds (folds:), or add rows"),
                new Case("negative folds", null, r -> config(r, c -> c.withFolds(-1)),
                        "folds = -1 is not valid; cross-validation needs at least 2 folds (0 for none)"),
                // --- requirements and the baseline
                new Case("requirement syntax", null, r -> require(r, "accuracy => 0.9"),
                        "requirement 'accuracy => 0.9' is not understood; expected METRIC OP VALUE with OP one of "
                        + ">=, <=, >, < and VALUE a number or baseline, baseline*N, baseline+N, baseline-N (N an "
                        + "unsigned number); e.g. accuracy>=0.90 or rmse<=baseline*1.02"),
                new Case("requirement with an infinite number", null, r -> require(r, "accuracy>=1e999"),
                        "requirement 'accuracy>=1e999': 1e999 is not a finite number; expected METRIC OP VALUE "
                        + "with OP one of >=, <=, >, < and VALUE a number or baseline, baseline*N, baseline+N, "
                        + "baseline-N (N an unsigned number); e.g. accuracy>=0.90 or rmse<=baseline*1.02"),
                new Case("requirement with a signed tolerance", null, r -> require(r, "accuracy>=baseline--0.5"),
                        "requirement 'accuracy>=baseline--0.5' is not understood; expected METRIC OP VALUE with OP "
                        + "one of >=, <=, >, < and VALUE a number or baseline, baseline*N, baseline+N, baseline-N (N "
                        + "an unsigned number); e.g. accuracy>=0.90 or rmse<=baseline*1.02"),
                new Case("requirement scaling the baseline by zero", null, r -> require(r, "accuracy>=baseline*0"),
                        "requirement 'accuracy>=baseline*0': baseline*N needs a factor N above 0; e.g. "
                        + "rmse<=baseline*1.02"),
                new Case("requirement on a metric the task lacks", null, r -> require(r, "rmse<=0.5"),
                        "requirement 'rmse<=0.5' names metric 'rmse', which this model does not have; available: "
                        + "accuracy, f1_macro, f1_weighted, precision_macro, recall_macro"),
                new Case("roc_auc on a multi-class task", null, r -> require(r, "roc_auc>=0.9"),
                        "requirement 'roc_auc>=0.9' names metric 'roc_auc', which this model does not have; "
                        + "available: accuracy, f1_macro, f1_weighted, precision_macro, recall_macro"),
                new Case("baseline that is not a bundle", null, r -> new TrainModel.Request(r.config(), r.out(),
                                Optional.of(r.out().resolveSibling("data.csv")), List.of("accuracy>=baseline")),
                        "baseline: DIR/data.csv: no such model bundle directory"),
                // --- the output directory
                new Case("output is a file", SMALL, r -> new TrainModel.Request(label(r, "kind").config(),
                        r.out().resolveSibling("data.csv"), r.baseline(), r.requirements()),
                        "output: DIR/data.csv is a file; name a new or empty directory, or an earlier bundle"),
                new Case("output is the working directory", null, r -> new TrainModel.Request(r.config(), Path.of("."),
                        r.baseline(), r.requirements()),
                        "output: . is the working directory or holds it; refusing to replace it. Name a new or "
                        + "empty directory, or an earlier bundle"))
                .map(Arguments::of);
    }

    /** Marker: use the bundled course-satisfaction data. */
    private static final String COURSES = "@courses";

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsWithAMessageThatSaysWhereAndWhat(Case c) throws IOException {
        Path data = c.data() == null ? Examples.iris()
                : c.data().equals(COURSES) ? Examples.courses()
                : c.data().equals("@missing") ? dir.resolve("absent.csv")
                : c.data() instanceof byte[] bytes ? Files.write(dir.resolve("data.csv"), bytes)
                : Files.writeString(dir.resolve("data.csv"), (String) c.data());
        Path out = dir.resolve("bundle");
        TrainModel.Request request = new TrainModel.Request(TrainingConfig.of(data, DataSpec.of("species")), out,
                Optional.empty(), List.of());

        assertThatThrownBy(() -> TrainModel.run(c.change().apply(request), Progress.silent()))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(e.getMessage().replace(dir + "/", "DIR/")
                        .replace(Examples.iris().getParent() + "/", "EXAMPLES/")).isEqualTo(c.expected()));
        assertThat(out).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).allMatch(p -> p.getFileName().toString().equals("data.csv")
                    || p.getFileName().toString().equals("mine"));
        }
        if (Files.isDirectory(dir.resolve("mine"))) { // the planted folder is untouched
            assertThat(dir.resolve("mine/bundle.json")).hasContent("{\"hello\": 1}");
            assertThat(dir.resolve("mine/sub")).isDirectory();
        }
    }

    private static TrainModel.Request label(TrainModel.Request r, String label) {
        DataSpec s = r.config().spec();
        return spec(r, x -> new DataSpec(label, s.features(), s.exclude(), s.categorical(), s.missing(), s.task(),
                s.format()));
    }

    private static TrainModel.Request spec(TrainModel.Request r, UnaryOperator<DataSpec> change) {
        TrainingConfig c = r.config();
        return new TrainModel.Request(new TrainingConfig(c.data(), change.apply(c.spec()), c.algorithm(), c.params(),
                c.testFraction(), c.folds(), c.seed()), r.out(), r.baseline(), r.requirements());
    }

    private static TrainModel.Request config(TrainModel.Request r, UnaryOperator<TrainingConfig> change) {
        return new TrainModel.Request(change.apply(r.config()), r.out(), r.baseline(), r.requirements());
    }

    private static TrainModel.Request format(TrainModel.Request r, char delimiter, char decimal) {
        return spec(r, s -> s.withFormat(new CsvFormat(delimiter, decimal)));
    }

    /** A Latin-1 export: {@code Köln} and {@code Montréal} in single bytes that are not UTF-8. */
    private static final byte[] LATIN1 = "city,x,kind\nBerlin,1,a\nK\u00f6ln,2,b\nMontr\u00e9al,3,a\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] UTF16 = "\uFEFFx,kind\n1,a\n".getBytes(StandardCharsets.UTF_16BE);

    /** Forty rows of a ';' file whose column x holds whole numbers on even rows and {@code other} on odd ones. */
    private static String mixedCommas(String other) {
        StringBuilder csv = new StringBuilder("x;y;kind\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i % 2 == 0 ? Integer.toString(i) : other).append(';').append(i % 7).append(';')
                    .append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        return csv.toString();
    }

    /** An output folder of the user's, with a bundle.json of its own: refused, and left as it is (checked below). */
    private static TrainModel.Request plantedOutput(TrainModel.Request r) {
        try {
            Path folder = Files.createDirectories(r.out().resolveSibling("mine"));
            Files.writeString(folder.resolve("bundle.json"), "{\"hello\": 1}");
            Files.createDirectories(folder.resolve("sub"));
            return new TrainModel.Request(r.config(), folder, r.baseline(), r.requirements());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Forty rows whose column x holds decimal-comma numbers; quoted when the delimiter is a comma. */
    private static String decimalCommas(char delimiter, boolean quoted) {
        StringBuilder csv = new StringBuilder("x" + delimiter + "y" + delimiter + "kind\n");
        for (int i = 0; i < 40; i++) {
            String x = "0," + (i + 10);
            csv.append(quoted ? "\"" + x + "\"" : x).append(delimiter).append(i % 7).append(delimiter)
                    .append(i % 2 == 0 ? "a" : "b").append('\n');
        }
        return csv.toString();
    }

    private static TrainModel.Request require(TrainModel.Request r, String requirement) {
        return new TrainModel.Request(r.config(), r.out(), r.baseline(), List.of(requirement));
    }
}
