package io.jenkins.plugins.modelops.monitor.testsupport;

import java.io.IOException;
import java.nio.file.Path;

/** Debian's amtool (package prometheus-alertmanager): the real checker of Alertmanager configurations. */
public final class Amtool {

    private Amtool() {
    }

    /** {@code amtool check-config FILE}: its exit code and everything it printed. */
    public static Promtool.Run checkConfig(Path file) throws IOException, InterruptedException {
        return Promtool.exec(LocalServer.binary("amtool", "prometheus-alertmanager", "/usr/bin/amtool",
                "/usr/local/bin/amtool"), file.toAbsolutePath().getParent(), "check-config", file.toString());
    }
}
