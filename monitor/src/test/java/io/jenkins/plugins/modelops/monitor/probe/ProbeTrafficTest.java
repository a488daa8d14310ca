package io.jenkins.plugins.modelops.monitor.probe;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.monitor.testsupport.ModelServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Probe traffic against real model servers: what is sent, what the server counts, and every refusal said exactly. */
class ProbeTrafficTest {

    private static final String TOKEN = "probe-token-0123456789abcdef";
    private static ModelServers.Running iris;
    private static ModelServers.Running courses;
    private final List<String> log = new ArrayList<>();
    private final Progress progress = log::add;

    @BeforeAll
    static void start() throws Exception {
        iris = ModelServers.start(ModelServers.iris(), TOKEN);
        courses = ModelServers.start(ModelServers.courses(), null);
    }

    @AfterAll
    static void stop() {
        iris.close();
        courses.close();
    }

    /** As the CLI spells parameters. */
    static String flags(InvalidInputException e) {
        return e.render(p -> "--" + p.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    private static ProbeTraffic.Request irisProbe(Path data) {
        return ProbeTraffic.Request.of(iris.url(), "iris", data).withToken(FeedbackToken.of("test", TOKEN))
                .withRate(200).withDuration(Duration.ofSeconds(30));
    }

    @Test
    void rowsAreScoredByTheServerAndCountedAsProbeFeedback() throws Exception {
        double before = probeFeedback(iris);
        ProbeTraffic.Outcome outcome = ProbeTraffic.run(irisProbe(ModelServers.example("iris.csv")).withMaxRows(170),
                progress);

        assertThat(outcome.planned()).isEqualTo(170);
        assertThat(outcome.sent()).isEqualTo(170);
        assertThat(outcome.accepted()).isEqualTo(170);
        assertThat(outcome.refused()).isEmpty();
        assertThat(outcome.unanswered()).isZero();
        assertThat(outcome.stoppedEarly()).isFalse();
        assertThat(outcome.accuracy().orElseThrow()).isBetween(0.9, 1.0);
        assertThat(outcome.mae()).isEmpty();
        // 150 rows, then the first 20 again: the server scored every one as probe feedback.
        assertThat(probeFeedback(iris) - before).isEqualTo(170);
        assertThat(outcome.summary()).startsWith("probe iris (version " + iris.server().modelVersion()
                + "): 170 rows sent, 170 accepted, accuracy ");
        assertThat(log.get(0)).isEqualTo("Probing model iris (version " + iris.server().modelVersion()
                + ", classification) at " + iris.url() + ": 170 rows at 200 a second for at most 30 s, 20 a request, "
                + "from 150 rows of " + ModelServers.example("iris.csv"));
        assertThat(String.join("\n", log) + outcome + iris.log()).doesNotContain(TOKEN);
    }

    @Test
    void theBundlesTestRowsScoreAsTheyDidInTraining() throws Exception {
        Path bundle = ModelServers.iris();
        ProbeTraffic.Outcome outcome = ProbeTraffic.run(irisProbe(ModelServers.example("iris.csv"))
                .withBundle(bundle).withMaxRows(30), progress);

        ModelBundle trained = ModelBundle.open(bundle);
        assertThat(trained.manifest().data().testRows()).isEqualTo(30);
        assertThat(outcome.accepted()).isEqualTo(30);
        // The same rows through the same model: the accuracy training measured on its held-out rows.
        assertThat(outcome.accuracy()).hasValue(trained.metrics().get("accuracy"));
        assertThat(log).contains("Replaying the 30 test rows of " + bundle + " (seed 42, test fraction 0.2) from "
                + ModelServers.example("iris.csv"));
    }

    @Test
    void aRegressorIsScoredByItsErrorsWithMissingValuesSentAsNull() throws Exception {
        Path data = ModelServers.example("course-satisfaction.csv");
        ProbeTraffic.Outcome outcome = ProbeTraffic.run(ProbeTraffic.Request.of(courses.url(), "courses", data)
                .withRate(500).withDuration(Duration.ofSeconds(30)).withBundle(ModelServers.courses()).withMaxRows(
                        ModelBundle.open(ModelServers.courses()).manifest().data().testRows()), progress);

        ModelBundle trained = ModelBundle.open(ModelServers.courses());
        assertThat(outcome.accepted()).isEqualTo(trained.manifest().data().testRows());
        assertThat(outcome.accuracy()).isEmpty();
        assertThat(outcome.mae().orElseThrow()).isCloseTo(trained.metrics().get("mae"), within(1e-9));
        assertThat(outcome.rmse().orElseThrow()).isCloseTo(trained.metrics().get("rmse"), within(1e-9));

        log.clear();
        ProbeTraffic.Outcome all = ProbeTraffic.run(ProbeTraffic.Request.of(courses.url(), "courses", data)
                .withRate(1000).withDuration(Duration.ofSeconds(30)).withMaxRows(400), progress);
        assertThat(all.accepted()).isEqualTo(400);
        assertThat(log).contains("Ignoring column enrolment_id of " + data + ": not features of model courses");
    }

    @Test
    void withoutTheTokenTheProbeIsToldToPassIt() {
        ProbeTraffic.Request request = ProbeTraffic.Request.of(iris.url(), "iris", ModelServers.example("iris.csv"));
        assertThatThrownBy(() -> ProbeTraffic.run(request, progress))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(flags(e)).isEqualTo(
                        "POST " + iris.url() + "/v1/models/iris/feedback was refused with 401: the server has a "
                                + "feedback token; pass it with --token-file FILE (or in MODELOPS_FEEDBACK_TOKEN) "
                                + "(the server said: feedback needs the header 'Authorization: Bearer <token>' with "
                                + "the token this server was given (--feedback-token-file or MODELOPS_FEEDBACK_TOKEN);"
                                + " the request has no Authorization header)"));

        String wrong = "not-the-token-but-long-enough";
        assertThatThrownBy(() -> ProbeTraffic.run(request.withToken(FeedbackToken.of("test", wrong)), progress))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(flags(e)).startsWith("POST " + iris.url() + "/v1/models/iris/feedback was refused "
                            + "with 401: the token given is not the server's feedback token; pass the token the server "
                            + "was started with with --token-file FILE (or in MODELOPS_FEEDBACK_TOKEN)");
                    assertThat(e.getMessage()).doesNotContain(wrong);
                });
        assertThat(String.join("\n", log)).doesNotContain(wrong).doesNotContain(TOKEN);
        assertThat(FeedbackToken.of("test", TOKEN)).hasToString("FeedbackToken[redacted]");
    }

    @Test
    void aServerThatTakesNoFeedbackFromElsewhereIsSaid() throws Exception {
        // Bound to every address without a token: the server refuses feedback (403), even from 127.0.0.1.
        try (ModelServers.Running open = ModelServers.start(ModelServers.onEveryAddress(
                ModelServers.iris()))) {
            URI url = URI.create("http://127.0.0.1:" + open.server().port());
            assertThatThrownBy(() -> ProbeTraffic.run(ProbeTraffic.Request.of(url, "iris",
                    ModelServers.example("iris.csv")), progress))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(flags(e)).startsWith(
                            "POST " + url + "/v1/models/iris/feedback was refused with 403: the server has no "
                                    + "feedback token and takes feedback only from its own machine; start it with "
                                    + "--feedback-token-file (or MODELOPS_FEEDBACK_TOKEN) and pass the same token "
                                    + "with --token-file FILE (the server said: feedback is refused"));
        }
    }

    @Test
    void anEndpointWithNothingBehindItIsSaid() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port);
        assertThatThrownBy(() -> ProbeTraffic.run(ProbeTraffic.Request.of(url, "iris",
                ModelServers.example("iris.csv")), progress))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(flags(e)).isEqualTo(
                        "--endpoint " + url + " could not be reached (connection refused); is a model server running "
                                + "there?"));
        assertThatThrownBy(() -> ProbeTraffic.run(ProbeTraffic.Request.of(iris.url(), "wine",
                ModelServers.example("iris.csv")), progress))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("the model server at " + iris.url() + " serves no model 'wine' (GET "
                        + "/v2/models/wine answered 404: ");
    }

    @Test
    void rowsThatDoNotFitTheModelAreRefusedBeforeAnyIsSent(@TempDir Path dir) throws Exception {
        Path noLabel = write(dir, "no-label.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n");
        assertThatThrownBy(() -> ProbeTraffic.run(irisProbe(noLabel), progress))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage()).isEqualTo(
                        noLabel + " has no column 'species', the label of model iris at " + iris.url() + "; probe rows "
                                + "need their true label to be scored. Its columns are: sepal_length, sepal_width, "
                                + "petal_length, petal_width"));

        Path wrongColumns = write(dir, "wine.csv", "alcohol,sepal_width,petal_length,species\n9.4,3.5,1.4,setosa\n");
        assertThatThrownBy(() -> ProbeTraffic.run(irisProbe(wrongColumns), progress))
                .hasMessage(wrongColumns + " has no column for features sepal_length, petal_width of model iris at "
                        + iris.url() + ", which takes sepal_length, sepal_width, petal_length, petal_width; its "
                        + "columns are: alcohol, sepal_width, petal_length, species");

        Path text = write(dir, "text.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n5.1,wide,1.4,0.2,setosa\n");
        assertThatThrownBy(() -> ProbeTraffic.run(irisProbe(text), progress))
                .hasMessage(text + " line 3, column 'sepal_width' is 'wide', not a number; feature sepal_width of "
                        + "model iris is numeric");

        Path unknownClass = write(dir, "class.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "5.1,3.5,1.4,0.2,setosa\n5.1,3.5,1.4,0.2,daisy\n");
        assertThatThrownBy(() -> ProbeTraffic.run(irisProbe(unknownClass), progress))
                .hasMessage(unknownClass + " line 3, column 'species' is 'daisy', not one of the classes of model "
                        + "iris: setosa, versicolor, virginica");

        Path noLabelValue = write(dir, "gap.csv", "sepal_length,sepal_width,petal_length,petal_width,species\n"
                + "5.1,3.5,1.4,0.2,\n");
        assertThatThrownBy(() -> ProbeTraffic.run(irisProbe(noLabelValue), progress))
                .hasMessage(noLabelValue + " line 2, column 'species' is empty; every probe row needs its true label");

        Path other = write(dir, "iris-copy.csv", Files.readString(ModelServers.example("iris.csv")) + "5.0,3.0,1.5,0.2,setosa\n");
        assertThatThrownBy(() -> ProbeTraffic.run(irisProbe(other).withBundle(ModelServers.iris()), progress))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(flags(e)).matches(
                        java.util.regex.Pattern.quote(other + " is not the file " + ModelServers.iris() + " was trained "
                                + "on (its SHA-256 is ") + "[0-9a-f]{64}" + java.util.regex.Pattern.quote(
                                "; the bundle's data file iris.csv had ") + "[0-9a-f]{64}" + java.util.regex.Pattern
                                .quote("); pass that file, or held-out rows alone without --model")));
        assertThat(probeFeedbackRequests()).isZero();
    }

    @Test
    void rateAndDurationMustSendSomething() {
        Path data = ModelServers.example("iris.csv");
        assertThatThrownBy(() -> ProbeTraffic.Request.of(iris.url(), "iris", data).withRate(0))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(flags(e)).isEqualTo(
                        "--rate 0 is not a rate: give rows a second, more than 0 and at most 100000 (e.g. 10)"));
        assertThatThrownBy(() -> ProbeTraffic.Request.of(iris.url(), "iris", data).withRate(0.5)
                .withDuration(Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(flags(e)).isEqualTo(
                        "--rate 0.5 for --duration 1.0 s sends no row; raise either"));
        assertThatThrownBy(() -> ProbeTraffic.Request.of(URI.create("file:/tmp/x"), "iris", data))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(flags(e)).isEqualTo(
                        "--endpoint 'file:/tmp/x' is not an http or https URL with a host (e.g. http://127.0.0.1:8080)"));
        assertThat(ProbeTraffic.Request.of(iris.url(), "iris", data).plannedRows()).isEqualTo(600);
        assertThat(ProbeTraffic.Request.of(iris.url(), "iris", data).batchSize()).isEqualTo(1);
        assertThat(ProbeTraffic.Request.of(iris.url(), "iris", data).withRate(1000).batchSize()).isEqualTo(100);
    }

    private static Path write(Path dir, String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** Probe feedback the iris server counted, by its /metrics. */
    private static double probeFeedback(ModelServers.Running server) throws Exception {
        return sum(server, "modelops_feedback_total{", "source=\"probe\"");
    }

    /** Requests the iris server answered with 400: none, as rows are checked before any is sent. */
    private static double probeFeedbackRequests() throws Exception {
        return sum(iris, "modelops_requests_total{", "code=\"400\"");
    }

    private static double sum(ModelServers.Running server, String family, String label) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.url().resolve("/metrics"))
                .header("Accept", "text/plain; version=0.0.4").GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(family) && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
