package io.jenkins.plugins.modelops.monitor.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jenkins.plugins.modelops.Digests;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.bundle.BundleManifest;
import io.jenkins.plugins.modelops.bundle.ModelBundle;
import io.jenkins.plugins.modelops.data.ColumnType;
import io.jenkins.plugins.modelops.data.CsvFormat;
import io.jenkins.plugins.modelops.data.CsvTable;
import io.jenkins.plugins.modelops.data.DataSpec;
import io.jenkins.plugins.modelops.data.FeatureSpec;
import io.jenkins.plugins.modelops.data.LabeledData;
import io.jenkins.plugins.modelops.data.ModelSchema;
import io.jenkins.plugins.modelops.data.Task;
import io.jenkins.plugins.modelops.train.Split;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The labelled rows a probe replays, each as the evaluate form's instance and label: read from a CSV of held-out
 * rows, or the test rows of the bundle's own split reproduced from the data file it was trained on. Every row is
 * checked against the served model before the first request, so a wrong file fails at once and names the line.
 */
record ProbeRows(String source, List<Row> rows) {

    /** One row: its line in the file, the instance (feature to value, null where missing) and its true label. */
    record Row(long line, ObjectNode instance, JsonNode label) {
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    ProbeRows {
        rows = List.copyOf(rows);
    }

    int size() {
        return rows.size();
    }

    /** Every row of a CSV file with a header: the model's features and its label column; other columns are ignored. */
    static ProbeRows fromCsv(Path file, CsvFormat format, ServedModel model, String where, Progress progress) {
        Set<String> text = new HashSet<>();
        model.features().stream().filter(f -> !f.numeric()).forEach(f -> text.add(f.name()));
        text.add(model.label());
        CsvTable table = CsvTable.read(file, text, format);
        int label = table.columnIndex(model.label());
        if (label < 0) {
            throw new InvalidInputException(Parameter.DATA, table.source() + " has no column '" + model.label()
                    + "', the label of model " + model.name() + " at " + where + "; probe rows need their true label "
                    + "to be scored. Its columns are: " + String.join(", ", table.header()));
        }
        List<String> missing = model.featureNames().stream().filter(f -> table.columnIndex(f) < 0).toList();
        if (!missing.isEmpty()) {
            throw new InvalidInputException(Parameter.DATA, table.source() + " has no column for feature"
                    + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing) + " of model " + model.name()
                    + " at " + where + ", which takes " + String.join(", ", model.featureNames()) + "; its columns "
                    + "are: " + String.join(", ", table.header()));
        }
        List<String> ignored = table.header().stream()
                .filter(c -> !c.equals(model.label()) && !model.featureNames().contains(c)).toList();
        if (!ignored.isEmpty()) {
            progress.info("Ignoring column" + (ignored.size() == 1 ? " " : "s ") + String.join(", ", ignored) + " of "
                    + table.source() + ": not features of model " + model.name());
        }
        if (table.rows() == 0) {
            throw new InvalidInputException(Parameter.DATA, table.source() + " has a header but no rows to send");
        }
        List<Row> rows = new ArrayList<>(table.rows());
        for (int r = 0; r < table.rows(); r++) {
            ObjectNode instance = NODES.objectNode();
            for (ServedModel.Feature feature : model.features()) {
                int c = table.columnIndex(feature.name());
                CsvTable.Kind kind = table.column(c).kind(r);
                if (kind == CsvTable.Kind.MISSING) {
                    instance.putNull(feature.name());
                } else if (!feature.numeric()) {
                    instance.put(feature.name(), table.cell(r, c));
                } else if (kind == CsvTable.Kind.NUMBER) {
                    instance.put(feature.name(), table.column(c).numbers()[r]);
                } else {
                    throw new InvalidInputException(Parameter.DATA, table.where(r, c) + " is '" + table.cell(r, c)
                            + "', not a number; feature " + feature.name() + " of model " + model.name()
                            + " is numeric");
                }
            }
            rows.add(new Row(table.lines()[r], instance, label(table, r, label, model)));
        }
        return new ProbeRows(table.source(), rows);
    }

    private static JsonNode label(CsvTable table, int r, int c, ServedModel model) {
        CsvTable.Kind kind = table.column(c).kind(r);
        if (kind == CsvTable.Kind.MISSING) {
            throw new InvalidInputException(Parameter.DATA, table.where(r, c) + " is empty; every probe row needs "
                    + "its true label");
        }
        String cell = table.cell(r, c);
        if (model.task() == Task.CLASSIFICATION) {
            return classLabel(cell.strip(), table.where(r, c), model);
        }
        if (kind != CsvTable.Kind.NUMBER) {
            throw new InvalidInputException(Parameter.DATA, table.where(r, c) + " is '" + cell + "', not a number; "
                    + "model " + model.name() + " is a regressor, so its label is a number");
        }
        return NODES.numberNode(table.column(c).numbers()[r]);
    }

    private static JsonNode classLabel(String value, String where, ServedModel model) {
        if (!model.classes().contains(value)) {
            throw new InvalidInputException(Parameter.DATA, where + " is '" + value + "', not one of the classes of "
                    + "model " + model.name() + ": " + String.join(", ", model.classes()));
        }
        return NODES.textNode(value);
    }

    /**
     * The test rows of {@code bundleDir}'s training run: the split reproduced from the very file it was trained on
     * (same SHA-256), with the seed, test fraction and columns the bundle records, through training's own code.
     */
    static ProbeRows heldOut(Path bundleDir, Path data, CsvFormat format, ServedModel model, Progress progress) {
        ModelBundle bundle = ModelBundle.open(bundleDir);
        BundleManifest manifest = bundle.manifest();
        if (manifest.data() == null || manifest.data().sha256() == null) {
            throw new InvalidInputException(Parameter.MODEL, Parameter.MODEL.ref() + " " + bundleDir + " records no "
                    + "hash of its data file, so its test rows cannot be found again; pass held-out rows with "
                    + Parameter.DATA.ref() + " alone");
        }
        if (!Files.isRegularFile(data)) {
            throw new InvalidInputException(Parameter.DATA, Parameter.DATA.ref() + " " + data + ": no such file");
        }
        String sha256 = Digests.sha256(data);
        if (!sha256.equals(manifest.data().sha256())) {
            throw new InvalidInputException(Parameter.DATA, data + " is not the file " + bundleDir + " was trained on "
                    + "(its SHA-256 is " + sha256 + "; the bundle's data file " + manifest.data().file() + " had "
                    + manifest.data().sha256() + "); pass that file, or held-out rows alone without "
                    + Parameter.MODEL.ref());
        }
        if (!manifest.modelId().equals(model.modelId())) {
            progress.warn("model " + model.name() + " is " + model.modelId() + ", not " + manifest.modelId() + " of "
                    + bundleDir + ": the bundle's test rows may have trained the served model");
        }
        ModelSchema schema = bundle.schema();
        DataSpec spec = DataSpec.of(schema.label().name())
                .withFeatures(schema.features().stream().map(FeatureSpec::name).toList())
                .withCategorical(schema.features().stream().filter(f -> !f.isNumeric()).map(FeatureSpec::name).toList())
                .withMissing(schema.missing()).withTask(schema.task()).withFormat(format);
        LabeledData table = LabeledData.read(data, spec, Progress.silent());
        int[] test = Split.holdout(table, manifest.testFraction(), manifest.seed()).test();
        if (test.length != manifest.data().testRows()) {
            throw new IllegalStateException("the split of " + data + " gave " + test.length + " test rows; "
                    + bundleDir + " records " + manifest.data().testRows() + " (was it trained with another "
                    + "delimiter or decimal mark?)");
        }
        List<Row> rows = new ArrayList<>(test.length);
        for (int r : test) {
            ObjectNode instance = NODES.objectNode();
            for (LabeledData.Column column : table.features()) {
                if (column.type() == ColumnType.NUMERIC) {
                    double v = column.numbers()[r];
                    if (Double.isNaN(v)) {
                        instance.putNull(column.name());
                    } else {
                        instance.put(column.name(), v);
                    }
                } else if (column.texts()[r] == null) {
                    instance.putNull(column.name());
                } else {
                    instance.put(column.name(), column.texts()[r]);
                }
            }
            String where = data.getFileName() + " line " + table.line(r);
            JsonNode label = schema.task() == Task.CLASSIFICATION ? classLabel(table.labelClass(r), where, model)
                    : NODES.numberNode(table.target(r));
            rows.add(new Row(table.line(r), instance, label));
        }
        progress.info("Replaying the " + rows.size() + " test rows of " + bundleDir + " (seed " + manifest.seed()
                + ", test fraction " + manifest.testFraction() + ") from " + data);
        return new ProbeRows(data + " (test rows of " + bundleDir + ")", rows);
    }
}
