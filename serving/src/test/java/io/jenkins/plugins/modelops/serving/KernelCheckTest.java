package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.bundle.ModelBundle;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Compiled kernels checked against their reference on served rows, in the background; the reference takes over. */
class KernelCheckTest {

    @Test
    void servedRowsAreCheckedAgainstTheReferenceAndTheKernelIsInTheInfoMetric() throws Exception {
        try (TestServer server = new TestServer(ServerConfig.of(TestBundles.iris()).withKernelCheckRate(1))) {
            String labels = "{model=\"iris\",version=\"" + server.server.modelVersion() + "\"}";
            for (int i = 0; i < 20; i++) {
                assertThat(server.post("/v1/models/iris:predict", "{\"instances\": [" + InferenceApiTest.SETOSA + ", "
                        + InferenceApiTest.VIRGINICA + "]}").status()).isEqualTo(200);
            }
            double checks = 0;
            for (int wait = 0; wait < 500 && checks < 1; wait++) { // the checks run in the background
                checks = server.metric("modelops_kernel_checks_total" + labels);
                Thread.sleep(10);
            }
            assertThat(checks).isPositive();
            assertThat(server.metric("modelops_kernel_mismatches_total" + labels)).isZero();
            assertThat(server.metric("modelops_model_info{algorithm=\"logistic\",kernel=\"linear\",model=\"iris\",model_id=\""
                    + ModelBundle.open(TestBundles.iris()).manifest().modelId() + "\",task=\"classification\","
                    + "track=\"stable\",version=\"" + server.server.modelVersion() + "\"}")).isEqualTo(1);
        }
    }

    @Test
    void atTheFirstDisagreementTheReferenceTakesOverAndSaysSo() {
        Predictor predictor = Predictor.load(ModelBundle.open(TestBundles.iris()));
        assertThat(predictor.kernelId()).isEqualTo("linear");
        ServingMetrics metrics = new ServingMetrics("iris", "v", "id", "logistic", "classification", "stable");
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        AtomicInteger fallBacks = new AtomicInteger();
        double[] row = predictor.probes().get(0);
        Predictions served = predictor.predict(List.of(row));
        try (KernelCheck check = new KernelCheck(1, metrics, new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8)),
                fallBacks::incrementAndGet)) {
            check.check(predictor, row, served.get(0));
            assertThat(predictor.kernelId()).as("an agreeing row changes nothing").isEqualTo("linear");
            // A served prediction the reference does not make: what a wrong kernel would have answered.
            Predictor.Result result = served.get(0);
            double[] wrong = result.scores().clone();
            wrong[0] += 1e-6;
            check.check(predictor, row, new Predictor.Result(result.label(), wrong, Double.NaN));
        }
        assertThat(predictor.kernelId()).isEqualTo("tribuo");
        assertThat(predictor.compiledKernel()).isFalse();
        assertThat(predictor.kernel()).startsWith("tribuo (the linear kernel disagreed on live traffic: a served row score of");
        assertThat(fallBacks.get()).isEqualTo(1);
        assertThat(logs.toString(StandardCharsets.UTF_8)).contains("\"event\":\"kernel_mismatch\"");
        // The reference now predicts, as the compiled kernel did where it was right.
        assertThat(predictor.predict(List.of(row)).label(0)).isEqualTo(served.label(0));
    }

    @Test
    void startUpProbesIncludeAnAllUnseenCategoryRowAndAnImputedRow() {
        Predictor courses = Predictor.load(ModelBundle.open(TestBundles.courses()));
        List<double[]> probes = courses.probes();
        assertThat(probes).hasSize(Predictor.PROBES);
        double[] imputed = probes.get(Predictor.PROBES - 1);
        double[] unseen = probes.get(Predictor.PROBES - 2);
        assertThat(java.util.Arrays.stream(unseen).filter(Double::isNaN).count())
                .as("every one-hot slot absent").isGreaterThanOrEqualTo(3);
        java.util.Map<String, Object> means = new java.util.HashMap<>();
        for (io.jenkins.plugins.modelops.data.FeatureSpec feature : courses.schema().features()) {
            means.put(feature.name(), feature.isNumeric() ? feature.mean() : feature.categories().get(0));
        }
        assertThat(java.util.Arrays.equals(imputed, courses.encode(means, false))).as("imputed = the training means").isTrue();
        assertThat(courses.kernelId()).isEqualTo("linear");
    }
}
