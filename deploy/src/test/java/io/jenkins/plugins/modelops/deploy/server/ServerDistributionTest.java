package io.jenkins.plugins.modelops.deploy.server;

import io.jenkins.plugins.modelops.serving.ServeOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class ServerDistributionTest {

    private final ServerDistribution distribution = ServerDistribution.embedded();

    @Test
    void carriesTheServerWithoutWhatLinuxNeverLoads() throws IOException {
        assertThat(distribution.libraries()).anyMatch(l -> l.startsWith("lib/modelops-core-"))
                .anyMatch(l -> l.startsWith("lib/jetty-server-")).anyMatch(l -> l.startsWith("lib/xgboost4j"))
                .noneMatch(l -> l.contains("jline") || l.contains("jansi") || l.contains("opencsv")
                        || l.contains("tribuo-data") || l.contains("commons-lang3") || l.contains("commons-text"))
                .anyMatch(l -> l.startsWith("lib/bcpkix-")).anyMatch(l -> l.startsWith("lib/kryo-"));
        String xgboost = distribution.libraries().stream().filter(l -> l.startsWith("lib/xgboost4j")).findFirst()
                .orElseThrow();
        assertThat(entries(distribution.library(xgboost))).contains("lib/linux/x86_64/libxgboost4j.so")
                .noneMatch(e -> e.startsWith("lib/macos/") || e.startsWith("lib/windows/"));
    }

    @Test
    void theSameBytesEveryTime() {
        assertThat(distribution.launcher()).isEqualTo(ServerDistribution.embedded().launcher());
        String xgboost = distribution.libraries().stream().filter(l -> l.startsWith("lib/xgboost4j")).findFirst()
                .orElseThrow();
        assertThat(distribution.library(xgboost)).isEqualTo(distribution.library(xgboost));
    }

    @Test
    void theLauncherStartsTheServer(@TempDir Path dir) throws Exception {
        Path launcher = distribution.writeTo(dir);
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", launcher.toString(), "--help").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).contains("--bundle", "--feedback-token-file");
        assertThat(process.exitValue()).as(output).isZero();
    }

    @Test
    void theVariablesAreTheServersOwn() {
        assertThat(ServerCommand.FEEDBACK_TOKEN).isEqualTo(ServeOptions.FEEDBACK_TOKEN_VARIABLE);
        assertThat(ServerCommand.ID_KEY).isEqualTo(ServeOptions.ID_KEY_VARIABLE);
        assertThat(ServerCommand.SHUTDOWN_GRACE).isEqualTo(ServeOptions.Environment.variable("--shutdown-grace"));
        assertThat(ServerCommand.TLS_CERT).isEqualTo(ServeOptions.Environment.variable("--tls-cert"));
        assertThat(ServerCommand.TLS_KEY).isEqualTo(ServeOptions.Environment.variable("--tls-key"));
    }

    private static List<String> entries(byte[] jar) throws IOException {
        List<String> names = new ArrayList<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }
}
