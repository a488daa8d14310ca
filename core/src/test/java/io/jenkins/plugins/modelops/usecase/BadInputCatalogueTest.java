package io.jenkins.plugins.modelops.train;

import io.jenkins.plugins.modelops.Examples;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.MissingPolicy;
import io.jenkins.plugins.modelops.data.Task;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
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

    /** A bad-input case: CSV text (null: iris), a request change, and the message fragments expected. */
    record Case(String name, String csv, UnaryOperator<TrainModel.Request> change, List<String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String SMALL = "x,y,kind\n1,2,a\n2,3,b\n3,4,a\n4,5,b\n5,6,a\n6,7,b\n";

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("unknown label column", null, r -> label(r, "kind"),
                        List.of("iris.csv: no label column 'kind'; the columns are: sepal_length, sepal_width, "
                                + "petal_length, petal_width, species")),
                new Case("non-numeric value in a numeric column", "x,y,kind\n1,2,a\n2,3,b\nabc,4,a\n4,5,b\n",
                        r -> label(r, "kind"),
                        List.of("data.csv line 4, column 'x': value 'abc' is not a number, but 3 of the column's 4 "
                                + "values are numbers", "--categorical x")),
                new Case("ragged row", "x,y,kind\n1,2,a\n2,b\n", r -> label(r, "kind"),
                        List.of("data.csv line 3: 2 fields, but the header (line 1) has 3 columns")),
                new Case("empty file", "", r -> label(r, "kind"), List.of("data.csv: the file is empty")),
                new Case("header only", "x,y,kind\n", r -> label(r, "kind"),
                        List.of("data.csv: only a header row (x,y,kind)")),
                new Case("a single class", "x,kind\n1,a\n2,a\n3,a\n", r -> label(r, "kind"),
                        List.of("label column 'kind' has a single class ('a') in all 3 rows",
                                "at least two classes")),
                new Case("fewer rows than folds", SMALL, r -> config(label(r, "kind"), c -> c.withFolds(10)),
                        List.of("4 training rows are fewer than the 10 folds asked for")),
                new Case("missing value under policy error", "x,y,kind\n1,2,a\n,3,b\n3,4,a\n4,5,b\n",
                        r -> label(r, "kind"),
                        List.of("data.csv line 3, column 'x': missing value ''", "--missing drop", "--missing mean")),
                new Case("missing label", "x,y,kind\n1,2,a\n2,3,NA\n3,4,a\n4,5,b\n", r -> label(r, "kind"),
                        List.of("data.csv line 3, column 'kind': the label is missing (value 'NA')")),
                new Case("unknown feature column", null, r -> spec(r, s -> s.withFeatures(List.of("petal_length", "zzz"))),
                        List.of("iris.csv: no column 'zzz' (named in the feature list); the columns are:")),
                new Case("unknown excluded column", null, r -> spec(r, s -> s.withExclude(List.of("id"))),
                        List.of("no column 'id' (named in the excluded columns)")),
                new Case("label listed as a feature", null,
                        r -> spec(r, s -> s.withFeatures(List.of("petal_length", "species"))),
                        List.of("column 'species' is the label, so it cannot also be a feature")),
                new Case("no feature left", "id,kind\n1,a\n2,b\n", r -> spec(label(r, "kind"), s -> s.withExclude(List.of("id"))),
                        List.of("no feature columns left after removing the label 'kind' and the excluded columns [id]")),
                new Case("algorithm for another task", Files_COURSES, r -> config(spec(label(r, "satisfaction"),
                                s -> s.withExclude(List.of("enrolment_id")).withMissing(MissingPolicy.MEAN)),
                                c -> c.withAlgorithm(Algorithm.LOGISTIC)),
                        List.of("algorithm 'logistic' does not do regression; for regression use one of: sgd, cart, "
                                + "random-forest, xgboost", "the label has fractional numbers")),
                new Case("unknown hyperparameter", null,
                        r -> config(r, c -> c.withAlgorithm(Algorithm.CART).withParams(Map.of("depth", "3"))),
                        List.of("unknown hyperparameter 'depth' for algorithm 'cart'; valid keys (with defaults): "
                                + "max_depth=10, min_child_weight=5.0")),
                new Case("hyperparameter out of range", null,
                        r -> config(r, c -> c.withAlgorithm(Algorithm.CART).withParams(Map.of("max_depth", "0"))),
                        List.of("hyperparameter max_depth=0 of algorithm 'cart' is not valid; expected a whole number "
                                + "from 1 to 64")),
                new Case("hyperparameter of the wrong type", null,
                        r -> config(r, c -> c.withAlgorithm(Algorithm.XGBOOST).withParams(Map.of("eta", "fast"))),
                        List.of("hyperparameter eta=fast of algorithm 'xgboost' is not valid; expected a number from "
                                + "1.0E-4 to 1.0")),
                new Case("test fraction out of range", null, r -> config(r, c -> c.withTestFraction(1.5)),
                        List.of("test fraction 1.5 is not valid; expected a number between 0 and 1 (exclusive)")),
                new Case("requirement syntax", null, r -> require(r, "accuracy => 0.9"),
                        List.of("requirement 'accuracy => 0.9' is not understood; expected METRIC OP VALUE")),
                new Case("requirement on a metric the task lacks", null, r -> require(r, "rmse<=0.5"),
                        List.of("requirement 'rmse<=0.5' names metric 'rmse', which this model does not have; "
                                + "available: accuracy, f1_macro")),
                new Case("roc_auc on a multi-class task", null, r -> require(r, "roc_auc>=0.9"),
                        List.of("names metric 'roc_auc', which this model does not have")),
                new Case("baseline that is not a bundle", null, r -> new TrainModel.Request(r.config(), r.out(),
                                Optional.of(r.out().resolveSibling("data.csv")), List.of("accuracy>=baseline")),
                        List.of("data.csv: no such model bundle directory")),
                new Case("regression label with text", "x,y\n1,a\n2,b\n3,c\n",
                        r -> spec(label(r, "y"), s -> s.withTask(Task.REGRESSION)),
                        List.of("data.csv line 2, column 'y': value 'a' is not a number; a regression label must be "
                                + "numeric (or use --task classification)")),
                new Case("mean imputation of a text column", "x,c,kind\n1,u,a\n2,,b\n3,v,a\n4,u,b\n",
                        r -> spec(label(r, "kind"), s -> s.withMissing(MissingPolicy.MEAN)),
                        List.of("data.csv line 3, column 'c': missing value '' in a text column; --missing mean "
                                + "imputes numeric columns only")),
                new Case("a column with no values to learn or impute", "x,y,kind\n,1,a\n,2,b\n,3,a\n,4,b\n,5,a\n,6,b\n",
                        r -> spec(label(r, "kind"), s -> s.withMissing(MissingPolicy.MEAN)),
                        List.of("data.csv: column 'x' has no values in the 4 training rows, so it cannot be learned or "
                                + "imputed; exclude it (--exclude x)")),
                new Case("negative folds", null, r -> config(r, c -> c.withFolds(-1)),
                        List.of("folds = -1 is not valid; cross-validation needs at least 2 folds (0 for none)")),
                new Case("a feature named twice", null,
                        r -> spec(r, s -> s.withFeatures(List.of("petal_length", "petal_length"))),
                        List.of("the feature list [petal_length, petal_length] names a column twice")),
                new Case("a column named like a one-hot feature", "color,color=red,kind\nred,1,a\nblue,0,b\nred,1,a\nblue,0,b\n",
                        r -> label(r, "kind"),
                        List.of("data.csv: column 'color=red' has the name of a one-hot feature of the text column "
                                + "'color'; rename it")),
                new Case("unknown categorical column", null, r -> spec(r, s -> s.withCategorical(List.of("colour"))),
                        List.of("no column 'colour' (named in the categorical columns)")))
                .map(Arguments::of);
    }

    /** Marker: use the bundled course-satisfaction data. */
    private static final String Files_COURSES = "@courses";

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectsWithAMessageThatSaysWhereAndWhat(Case c) throws IOException {
        Path data = c.csv() == null ? Examples.iris()
                : c.csv().equals(Files_COURSES) ? Examples.courses()
                : Files.writeString(dir.resolve("data.csv"), c.csv());
        Path out = dir.resolve("bundle");
        TrainModel.Request request = c.change().apply(new TrainModel.Request(
                TrainingConfig.of(data, DataSpec.of("species")), out, Optional.empty(), List.of()));

        assertThatThrownBy(() -> TrainModel.run(request, Progress.silent()))
                .isInstanceOf(InvalidInputException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(c.expected()));
        assertThat(out).doesNotExist();
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).allMatch(p -> p.getFileName().toString().equals("data.csv"));
        }
    }

    private static TrainModel.Request label(TrainModel.Request r, String label) {
        DataSpec s = r.config().spec();
        return spec(r, x -> new DataSpec(label, s.features(), s.exclude(), s.categorical(), s.missing(), s.task()));
    }

    private static TrainModel.Request spec(TrainModel.Request r, UnaryOperator<DataSpec> change) {
        TrainingConfig c = r.config();
        return new TrainModel.Request(new TrainingConfig(c.data(), change.apply(c.spec()), c.algorithm(), c.params(),
                c.testFraction(), c.folds(), c.seed()), r.out(), r.baseline(), r.requirements());
    }

    private static TrainModel.Request config(TrainModel.Request r, UnaryOperator<TrainingConfig> change) {
        return new TrainModel.Request(change.apply(r.config()), r.out(), r.baseline(), r.requirements());
    }

    private static TrainModel.Request require(TrainModel.Request r, String requirement) {
        return new TrainModel.Request(r.config(), r.out(), r.baseline(), List.of(requirement));
    }
}
