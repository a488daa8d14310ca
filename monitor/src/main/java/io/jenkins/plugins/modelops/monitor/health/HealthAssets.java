package io.jenkins.plugins.modelops.monitor.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The health page's web bundle as classpath resources, for every host: the CLI's dashboard serves them by these
 * names, the plugin from its own class loader. {@code index.html} is the stand-alone page; a host that renders its
 * own page (the plugin's Jelly view) includes {@code health.css}, {@code echarts.min.js} and {@code health.js} and a
 * {@code <main id="modelops-health" data-endpoint="URL">}. No inline script or style anywhere: Jenkins' CSP.
 */
public final class HealthAssets {

    /** What the CLI sends with every page: only this origin's scripts, styles and fetches (as Jenkins' CSP). */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String BUNDLE = "/io/jenkins/plugins/modelops/monitor/health/web/";
    /** ECharts from its WebJar (org.webjars.npm:echarts), kept as shipped. */
    private static final String ECHARTS = "/META-INF/resources/webjars/echarts/" + echartsVersion()
            + "/dist/echarts.min.js";

    private static final Map<String, Asset> ASSETS = Map.of(
            "index.html", new Asset(BUNDLE + "index.html", "text/html; charset=utf-8"),
            "health.js", new Asset(BUNDLE + "health.js", "text/javascript; charset=utf-8"),
            "health.css", new Asset(BUNDLE + "health.css", "text/css; charset=utf-8"),
            "echarts.min.js", new Asset(ECHARTS, "text/javascript; charset=utf-8"));

    /** A resource's classpath location and content type. */
    public record Asset(String resource, String contentType) {
        public byte[] bytes() {
            try (InputStream in = HealthAssets.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is not on the classpath: the build lost a part of "
                            + "the health bundle");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private HealthAssets() {
    }

    /** The asset of that name ({@code health.js}); empty for any other, paths included. */
    public static Optional<Asset> named(String name) {
        return Optional.ofNullable(ASSETS.get(name));
    }

    /** The WebJar's version, from its Maven metadata on the classpath. */
    private static String echartsVersion() {
        try (InputStream in = HealthAssets.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the ECharts WebJar (org.webjars.npm:echarts) is not on the classpath");
            }
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
