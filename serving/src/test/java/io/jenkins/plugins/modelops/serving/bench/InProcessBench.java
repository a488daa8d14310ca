package io.jenkins.plugins.modelops.serving.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.CsvTable;
import io.jenkins.plugins.modelops.data.FeatureSpec;
import io.jenkins.plugins.modelops.serving.Predictor;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.Model;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The in-process floors of bench/serving.sh, single-threaded, on one bundle's training CSV rows:
 * <ul>
 * <li>{@code tribuo-single}: Tribuo's {@code model.predict(example)} on an encoded row (XGBoost: the native boosters
 * through {@link Predictor#predictWithReference}, since Tribuo's own predict leaks native memory under load);</li>
 * <li>{@code predictor-single}: the server's path without HTTP: encode a feature map, predict (with its compiled
 * kernel where it has one, see {@link Predictor#kernel()});</li>
 * <li>{@code tribuo-batch-N} / {@code predictor-batch-N}: the same for N rows in one call;</li>
 * <li>{@code matrix-batch-N}: the server's path for a v2 [N, F] tensor (binary or JSON): encode rows of numbers in
 * schema order, predict;</li>
 * <li>{@code onnx-single} / {@code onnx-batch-N} (linear models only): ONNX Runtime on Tribuo's ONNX export of the
 * same model, fed the same encoded rows (its inputs are the features in alphabetical order, as Tribuo numbers
 * them).</li>
 * </ul>
 * Prints one line per measurement: {@code name rows/s p50_us}, and the kernel. Usage:
 * {@code InProcessBench BUNDLE CSV SECONDS BATCH[,BATCH...]}.
 */
public final class InProcessBench {

    private InProcessBench() {
    }

    public static void main(String[] args) throws Exception {
        ModelBundle bundle = ModelBundle.open(Path.of(args[0]));
        CsvTable table = CsvTable.read(Path.of(args[1]), java.util.Set.copyOf(bundle.schema().featureNames()),
                io.jenkins.plugins.modelops.data.CsvFormat.DEFAULT);
        double seconds = Double.parseDouble(args[2]);
        int[] batchSizes = java.util.Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray();
        Predictor predictor = Predictor.load(bundle);
        System.out.println("kernel " + predictor.kernel().replace(' ', '_'));
        @SuppressWarnings("unchecked")
        Model<Label> model = (Model<Label>) bundle.loadModel();

        List<Map<String, Object>> rows = new ArrayList<>();
        List<double[]> numbers = new ArrayList<>();
        boolean allNumeric = bundle.schema().features().stream().allMatch(FeatureSpec::isNumeric);
        for (int r = 0; r < table.rows(); r++) {
            Map<String, Object> row = new HashMap<>();
            double[] vector = new double[bundle.schema().features().size()];
            int f = 0;
            for (FeatureSpec feature : bundle.schema().features()) {
                String cell = table.cell(r, table.columnIndex(feature.name()));
                row.put(feature.name(), feature.isNumeric() ? (Object) Double.parseDouble(cell) : cell);
                vector[f++] = feature.isNumeric() ? Double.parseDouble(cell) : Double.NaN;
            }
            rows.add(row);
            numbers.add(vector);
        }
        List<double[]> vectors = new ArrayList<>();
        List<Example<?>> examples = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            vectors.add(predictor.encode(row, false));
            examples.add(predictor.example(vectors.get(vectors.size() - 1)));
        }
        int n = examples.size();
        boolean xgboost = "xgboost".equals(bundle.manifest().algorithm());
        int[] i = {0};

        @SuppressWarnings({"unchecked", "rawtypes"})
        IntSupplier tribuoSingle = xgboost
                ? () -> predictor.predictWithReference(List.of(vectors.get(i[0]++ % n))).size()
                : () -> model.predict((Example<Label>) (Example) examples.get(i[0]++ % n)) == null ? 0 : 1;
        report("tribuo-single", 1, seconds, tribuoSingle);
        report("predictor-single", 1, seconds, () -> predictor.predict(List.of(predictor.encode(rows.get(i[0]++ % n), false))).size());
        for (int batchSize : batchSizes) {
            List<List<Example<?>>> batches = new ArrayList<>();
            List<List<double[]>> vectorBatches = new ArrayList<>();
            List<List<Map<String, Object>>> rowBatches = new ArrayList<>();
            List<List<double[]>> numberBatches = new ArrayList<>();
            for (int start = 0; start + batchSize <= Math.max(n, batchSize); start += batchSize) {
                List<Example<?>> batch = new ArrayList<>();
                List<double[]> vectorBatch = new ArrayList<>();
                List<Map<String, Object>> rowBatch = new ArrayList<>();
                List<double[]> numberBatch = new ArrayList<>();
                for (int k = 0; k < batchSize; k++) {
                    batch.add(examples.get((start + k) % n));
                    vectorBatch.add(vectors.get((start + k) % n));
                    rowBatch.add(rows.get((start + k) % n));
                    numberBatch.add(numbers.get((start + k) % n));
                }
                batches.add(batch);
                vectorBatches.add(vectorBatch);
                rowBatches.add(rowBatch);
                numberBatches.add(numberBatch);
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            IntSupplier tribuoBatch = xgboost
                    ? () -> predictor.predictWithReference(vectorBatches.get(i[0]++ % vectorBatches.size())).size()
                    : () -> model.predict((List<Example<Label>>) (List) batches.get(i[0]++ % batches.size())).size();
            report("tribuo-batch-" + batchSize, batchSize, seconds, tribuoBatch);
            report("predictor-batch-" + batchSize, batchSize, seconds, () -> {
                List<double[]> encoded = new ArrayList<>(batchSize);
                for (Map<String, Object> row : rowBatches.get(i[0]++ % rowBatches.size())) {
                    encoded.add(predictor.encode(row, false));
                }
                return predictor.predict(encoded).size();
            });
            if (allNumeric) {
                report("matrix-batch-" + batchSize, batchSize, seconds, () -> {
                    List<double[]> encoded = new ArrayList<>(batchSize);
                    for (double[] row : numberBatches.get(i[0]++ % numberBatches.size())) {
                        encoded.add(predictor.encode(row, false));
                    }
                    return predictor.predict(encoded).size();
                });
            }
        }

        if (model instanceof ONNXExportable exportable) {
            onnx(exportable, model.getFeatureIDMap(), examples, batchSizes, seconds, model);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void onnx(ONNXExportable exportable, ImmutableFeatureMap features, List<Example<?>> examples,
                             int[] batchSizes, double seconds, Model<Label> model) throws Exception {
        byte[] onnx = exportable.exportONNXModel("io.jenkins.plugins.modelops", 1).toByteArray();
        int width = features.size();
        int n = examples.size();
        float[][] rows = new float[n][width];
        for (int r = 0; r < n; r++) {
            for (Feature feature : (Example<Label>) (Example) examples.get(r)) {
                rows[r][features.getID(feature.getName())] = (float) feature.getValue();
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        try (OrtSession session = env.createSession(onnx, options)) {
            String input = session.getInputNames().iterator().next();
            // Same answers as Tribuo: the arg max of ONNX's scores is Tribuo's label on every row.
            int agree = 0;
            for (int r = 0; r < n; r++) {
                float[] scores = run(env, session, input, rows[r], 1, width)[0];
                int best = 0;
                for (int c = 1; c < scores.length; c++) {
                    best = scores[c] > scores[best] ? c : best;
                }
                String label = model.getOutputIDInfo().getOutput(best).getLabel();
                agree += label.equals(model.predict((Example<Label>) (Example) examples.get(r)).getOutput().getLabel()) ? 1 : 0;
            }
            System.out.printf("onnx-agreement %d/%d%n", agree, n);
            int[] i = {0};
            report("onnx-single", 1, seconds, () -> run(env, session, input, rows[i[0]++ % n], 1, width).length);
            for (int batchSize : batchSizes) {
                float[][] batches = new float[Math.max(1, n / batchSize)][batchSize * width];
                for (int b = 0; b < batches.length; b++) {
                    for (int k = 0; k < batchSize; k++) {
                        System.arraycopy(rows[(b * batchSize + k) % n], 0, batches[b], k * width, width);
                    }
                }
                report("onnx-batch-" + batchSize, batchSize, seconds, () -> run(env, session, input,
                        batches[i[0]++ % batches.length], batchSize, width).length);
            }
        }
    }

    private static float[][] run(OrtEnvironment env, OrtSession session, String input, float[] data, int rows, int width) {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {rows, width});
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            return (float[][]) result.get(0).getValue();
        } catch (ai.onnxruntime.OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Warm up for a third of the time, then measure rows/s and the median call time in microseconds. */
    private static void report(String name, int rowsPerCall, double seconds, IntSupplier call) {
        long warmEnd = System.nanoTime() + (long) (seconds / 3 * 1e9);
        while (System.nanoTime() < warmEnd) {
            call.getAsInt();
        }
        long[] samples = new long[1 << 20];
        int count = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long now = start;
        while (now < end) {
            long t0 = now;
            call.getAsInt();
            now = System.nanoTime();
            samples[count++ & (samples.length - 1)] = now - t0;
        }
        double elapsed = (now - start) / 1e9;
        long[] kept = java.util.Arrays.copyOf(samples, Math.min(count, samples.length));
        java.util.Arrays.sort(kept);
        System.out.printf("%s %.0f %.2f%n", name, count * (double) rowsPerCall / elapsed, kept[kept.length / 2] / 1e3);
    }
}
