package io.jenkins.plugins.modelops.plugin;

import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.beans.Introspector;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameter names Jenkins binds a step by, found as Stapler finds them: the {@code @DataBoundConstructor}'s
 * parameter names from the class file's local variable table (javac -g), and the {@code @DataBoundSetter} setters.
 */
final class StepNames {

    private StepNames() {
    }

    static Constructor<?> constructor(Class<?> step) {
        return Arrays.stream(step.getConstructors()).filter(c -> c.isAnnotationPresent(DataBoundConstructor.class))
                .findFirst().orElseThrow(() -> new AssertionError(step + " has no @DataBoundConstructor"));
    }

    /** The required parameters, in the constructor's order. */
    static List<String> required(Class<?> step) throws IOException {
        Constructor<?> c = constructor(step);
        if (Arrays.stream(c.getParameters()).allMatch(java.lang.reflect.Parameter::isNamePresent)) {
            return Arrays.stream(c.getParameters()).map(java.lang.reflect.Parameter::getName).toList();
        }
        return localVariables(step, descriptor(c)).subList(0, c.getParameterCount());
    }

    /** Optional parameters by name, with their setters. */
    static Map<String, Method> optional(Class<?> step) {
        Map<String, Method> setters = new TreeMap<>();
        for (Method m : step.getMethods()) {
            if (m.isAnnotationPresent(DataBoundSetter.class) && m.getName().startsWith("set")) {
                setters.put(Introspector.decapitalize(m.getName().substring(3)), m);
            }
        }
        return setters;
    }

    private static String descriptor(Constructor<?> c) {
        StringBuilder d = new StringBuilder("(");
        for (Class<?> p : c.getParameterTypes()) {
            d.append(p.descriptorString());
        }
        return d.append(")V").toString();
    }

    /** The names of {@code <init>descriptor}'s local variables after {@code this}, by slot. */
    private static List<String> localVariables(Class<?> type, String descriptor) throws IOException {
        try (InputStream raw = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            DataInputStream in = new DataInputStream(raw);
            in.readInt();
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> { in.skipNBytes(8); i++; }
                    case 7, 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    default -> throw new IOException("constant pool tag " + tag);
                }
            }
            in.skipNBytes(6);
            in.skipNBytes(2L * in.readUnsignedShort());
            skipMembers(in);
            int methods = in.readUnsignedShort();
            for (int m = 0; m < methods; m++) {
                in.skipNBytes(2);
                String name = utf8[in.readUnsignedShort()];
                String desc = utf8[in.readUnsignedShort()];
                int attributes = in.readUnsignedShort();
                for (int a = 0; a < attributes; a++) {
                    String attribute = utf8[in.readUnsignedShort()];
                    int length = in.readInt();
                    if (!(name.equals("<init>") && desc.equals(descriptor) && attribute.equals("Code"))) {
                        in.skipNBytes(length);
                        continue;
                    }
                    in.skipNBytes(4);
                    in.skipNBytes(in.readInt());
                    in.skipNBytes(8L * in.readUnsignedShort());
                    int codeAttributes = in.readUnsignedShort();
                    for (int ca = 0; ca < codeAttributes; ca++) {
                        String codeAttribute = utf8[in.readUnsignedShort()];
                        int codeLength = in.readInt();
                        if (!codeAttribute.equals("LocalVariableTable")) {
                            in.skipNBytes(codeLength);
                            continue;
                        }
                        Map<Integer, String> bySlot = new TreeMap<>();
                        int entries = in.readUnsignedShort();
                        for (int e = 0; e < entries; e++) {
                            in.skipNBytes(4);
                            String variable = utf8[in.readUnsignedShort()];
                            in.skipNBytes(2);
                            bySlot.put(in.readUnsignedShort(), variable);
                        }
                        bySlot.remove(0);
                        return new ArrayList<>(bySlot.values());
                    }
                }
            }
        }
        throw new AssertionError(type + ": no local variable table for the @DataBoundConstructor (compile with -g)");
    }

    private static void skipMembers(DataInputStream in) throws IOException {
        int members = in.readUnsignedShort();
        for (int f = 0; f < members; f++) {
            in.skipNBytes(6);
            int attributes = in.readUnsignedShort();
            for (int a = 0; a < attributes; a++) {
                in.skipNBytes(2);
                in.skipNBytes(in.readInt());
            }
        }
    }

    /** Every name a Jenkinsfile may pass, required first. */
    static Map<String, Boolean> all(Class<?> step) throws IOException {
        Map<String, Boolean> names = new LinkedHashMap<>();
        required(step).forEach(n -> names.put(n, true));
        optional(step).keySet().forEach(n -> names.putIfAbsent(n, false));
        return names;
    }
}
