package io.jenkins.plugins.modelops.bundle;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jenkins.plugins.modelops.InvalidInputException;
import org.tribuo.common.liblinear.protos.LibLinearModelProto;
import org.tribuo.protos.core.ModelProto;
import org.tribuo.protos.core.WeightedEnsembleModelProto;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.file.Path;
import java.util.Set;

/**
 * What a bundle's {@code model.tribuo} may contain before Tribuo deserializes it. Tribuo instantiates the class a
 * protobuf names, and LibLinear models nest Java serialization inside their protobuf; so only the model classes
 * trainModel produces are accepted, and nested Java serialization is first read under a per-stream allow-list
 * (a dry run that can only create de.bwaldvogel.liblinear classes). No JVM-wide filter is touched: a Jenkins
 * controller keeps its own.
 */
final class ModelClassAllowList {

    /** Models whose protobuf holds only numbers and nested Tribuo protobufs. */
    private static final Set<String> PROTOBUF_ONLY = Set.of(
            "org.tribuo.classification.sgd.linear.LinearSGDModel",
            "org.tribuo.regression.sgd.linear.LinearSGDModel",
            "org.tribuo.common.tree.TreeModel",
            "org.tribuo.regression.rtree.IndependentRegressionTreeModel",
            "org.tribuo.common.xgboost.XGBoostModel");
    private static final String ENSEMBLE = "org.tribuo.ensemble.WeightedEnsembleModel";
    private static final String LIBLINEAR = "org.tribuo.classification.liblinear.LibLinearClassificationModel";

    /** The classes a LibLinear model is made of (de.bwaldvogel.liblinear.Model and its solver enum). */
    private static final ObjectInputFilter LIBLINEAR_CLASSES = ObjectInputFilter.Config.createFilter(
            "maxdepth=10;maxarray=100000000;de.bwaldvogel.liblinear.Model;de.bwaldvogel.liblinear.SolverType;"
                    + "java.lang.Enum;[D;[I;!*");

    private ModelClassAllowList() {
    }

    static void check(ModelProto proto, Path file) {
        String type = proto.getClassName();
        try {
            if (PROTOBUF_ONLY.contains(type)) {
                return;
            }
            if (type.equals(ENSEMBLE)) {
                for (ModelProto member : proto.getSerializedData().unpack(WeightedEnsembleModelProto.class).getModelsList()) {
                    check(member, file);
                }
                return;
            }
            if (type.equals(LIBLINEAR)) {
                for (var nested : proto.getSerializedData().unpack(LibLinearModelProto.class).getModelsList()) {
                    dryRun(nested.toByteArray(), file);
                }
                return;
            }
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidInputException(file + ": the " + type + " in it is malformed: " + e.getMessage(), e);
        }
        throw new InvalidInputException(file + " holds a " + type + ", which is not a model class ModelOps trains; "
                + "refused (Tribuo would instantiate whatever class a model file names)");
    }

    private static void dryRun(byte[] serialized, Path file) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized))) {
            in.setObjectInputFilter(LIBLINEAR_CLASSES);
            in.readObject();
        } catch (InvalidClassException e) {
            throw new InvalidInputException(file + " nests a Java-serialized class outside the LibLinear allow-list ("
                    + e.getMessage() + "); refused", e);
        } catch (IOException | ClassNotFoundException e) {
            throw new InvalidInputException(file + ": its nested LibLinear model cannot be read: " + e.getMessage(), e);
        }
    }
}
