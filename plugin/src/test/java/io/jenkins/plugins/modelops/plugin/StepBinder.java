package io.jenkins.plugins.modelops.plugin;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Jenkins' DescribableModel does with a step call's named arguments: the required ones into the
 * {@code @DataBoundConstructor}, the rest through their {@code @DataBoundSetter}s, numbers coerced to the setter's
 * type, an unknown name refused. Arguments of a Jenkins type (a registry endpoint) are left out here: the facade's
 * constructors throw.
 */
final class StepBinder {

    private StepBinder() {
    }

    static <T> T bind(Class<T> type, Map<String, Object> arguments) throws Exception {
        List<String> required = StepNames.required(type);
        Constructor<?> constructor = StepNames.constructor(type);
        Object[] values = new Object[required.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = coerce(arguments.get(required.get(i)), constructor.getParameterTypes()[i]);
        }
        T step = type.cast(constructor.newInstance(values));
        Map<String, Method> setters = StepNames.optional(type);
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            if (required.contains(e.getKey())) {
                continue;
            }
            Method setter = setters.get(e.getKey());
            if (setter == null) {
                throw new IllegalArgumentException(type.getSimpleName() + " has no parameter " + e.getKey());
            }
            Class<?> target = setter.getParameterTypes()[0];
            if (target.getName().startsWith("org.jenkinsci.") || target.getName().startsWith("hudson.")) {
                continue;
            }
            setter.invoke(step, coerce(e.getValue(), target));
        }
        return step;
    }

    private static Object coerce(Object value, Class<?> target) {
        if (value instanceof Number n) {
            if (target == Integer.class || target == int.class) {
                return n.intValue();
            }
            if (target == Long.class || target == long.class) {
                return n.longValue();
            }
            if (target == Double.class || target == double.class) {
                return n.doubleValue();
            }
        }
        if (value instanceof List<?> list && target == List.class) {
            return new ArrayList<>(list);
        }
        return value;
    }
}
