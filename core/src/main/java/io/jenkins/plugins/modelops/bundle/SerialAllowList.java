package io.jenkins.plugins.modelops.bundle;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.Set;

/**
 * Some Tribuo models (LibLinear) nest Java serialization inside their protobuf. While a bundle loads, that
 * deserialization may only create the classes such models are made of; everything else is rejected.
 *
 * <p>The allow-list is scoped to the loading thread through a JVM-wide filter factory, so it never touches other
 * deserialization in the same JVM (a Jenkins controller has its own). If another component installed a factory
 * first, ours cannot be added, and models that nest Java serialization are refused rather than loaded unfiltered.
 */
final class SerialAllowList {

    /** Tribuo model classes whose protobuf form nests Java serialization. */
    static final Set<String> NESTING_MODELS = Set.of("org.tribuo.classification.liblinear.LibLinearClassificationModel",
            "org.tribuo.regression.liblinear.LibLinearRegressionModel",
            "org.tribuo.classification.libsvm.LibSVMClassificationModel",
            "org.tribuo.regression.libsvm.LibSVMRegressionModel");

    /** The classes a LibLinear model is made of (de.bwaldvogel.liblinear.Model and its solver enum). */
    private static final ObjectInputFilter ALLOWED = ObjectInputFilter.Config.createFilter(
            "maxdepth=10;maxarray=100000000;de.bwaldvogel.liblinear.Model;de.bwaldvogel.liblinear.SolverType;"
                    + "java.lang.Enum;[D;[I;!*");

    private static final ThreadLocal<Boolean> LOADING = ThreadLocal.withInitial(() -> false);
    private static final boolean INSTALLED = install();

    private SerialAllowList() {
    }

    private static boolean install() {
        try {
            ObjectInputFilter.Config.setSerialFilterFactory((current, requested) ->
                    LOADING.get() ? ALLOWED : requested);
            return true;
        } catch (IllegalStateException alreadySet) {
            return false;
        }
    }

    /** Whether a model of this class may be loaded in this JVM. */
    static boolean canLoad(String modelClass) {
        return INSTALLED || !NESTING_MODELS.contains(modelClass);
    }

    interface IoCallable<T> {
        T call() throws IOException;
    }

    static <T> T call(IoCallable<T> load) throws IOException {
        LOADING.set(true);
        try {
            return load.call();
        } finally {
            LOADING.set(false);
        }
    }
}
