package io.jenkins.plugins.modelops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The versions that shaped a model: ours and Tribuo's. Both go into bundles and into the model id. */
public final class Versions {

    private static final Properties PROPERTIES = load();

    private Versions() {
    }

    public static String modelops() {
        return PROPERTIES.getProperty("version", "unknown");
    }

    public static String tribuo() {
        return PROPERTIES.getProperty("tribuo", "unknown");
    }

    private static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }
}
