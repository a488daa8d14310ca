package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.Durations;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.health.HealthReader;
import io.jenkins.plugins.modelops.monitor.health.HealthRequest;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeConfig;
import io.jenkins.plugins.modelops.monitor.scrape.ScrapeSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code modelops dashboard}: the health page of every model found, served until Ctrl-C. */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve the models' health page: status, accuracy (or MAE/RMSE), latency, errors, traffic,",
                "memory, alerts and gate timelines, read from Prometheus (the models that modelops_model_info",
                "lists) or, without it, from the servers' own /metrics. Runs until Ctrl-C."})
final class DashboardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--prometheus", paramLabel = "URL", description = "read the models and their figures from this Prometheus")
    String prometheusUrl;

    @Mixin
    PrometheusOptions prometheus;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "without --prometheus: scrape this server's /metrics directly, repeatable (every replica)")
    List<URI> endpoints = new ArrayList<>();

    @Option(names = "--server-ca", paramLabel = "PEM", description = "CA certificate(s) the servers' HTTPS is signed with")
    Path serverCa;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8090", description = "the page's port (default 8090; 0: a free one)")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "the address to listen on (default 127.0.0.1: this machine only)")
    String bind;

    @Option(names = "--gate-state", paramLabel = "[MODEL=]FILE",
            description = "a gate's state file (modelops gate --state-file) to show as a timeline, under MODEL; repeatable")
    List<String> gateStates = new ArrayList<>();

    @Option(names = "--bundle", paramLabel = "DIR",
            description = "a model bundle (modelops train --out): the model it holds shows its card and data hash; "
                    + "repeatable")
    List<Path> bundles = new ArrayList<>();

    @Option(names = "--rate-window", paramLabel = "DURATION", defaultValue = "1m",
            description = "the window rates and quantiles are computed over (default 1m)")
    String rateWindow;

    @Option(names = "--history", paramLabel = "DURATION", defaultValue = "1h",
            description = "without --prometheus: how long the scrapes are kept for the charts (default 1h)")
    String history;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("--port " + port + " is not a TCP port (0-65535; 0 picks a free one)");
        }
        InetAddress address = address(bind);
        HealthRequest request = HealthRequest.of(Durations.parse(rateWindow, Parameter.WINDOW), gateFiles())
                .withBundles(bundles());
        Progress progress = message -> spec.commandLine().getErr().println(Flags.render(message));
        CountDownLatch stopped = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        // Ctrl-C: the hook wakes the command and holds the JVM until the server and the scrape are closed.
        Thread hook = new Thread(() -> {
            stopped.countDown();
            awaitQuietly(closed);
        }, "modelops-dashboard-stop");
        try (HealthReader reader = reader(progress)) {
            try (DashboardServer server = DashboardServer.start(reader, request, List::of,
                    address.getHostAddress(), port)) {
                Runtime.getRuntime().addShutdownHook(hook);
                spec.commandLine().getOut().println("Model health at " + server.url() + " (Ctrl-C stops it)");
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // stopped by the caller (tests): close as on Ctrl-C
                } finally {
                    removeHook(hook);
                }
            }
            spec.commandLine().getErr().println("Dashboard stopped");
        } finally {
            closed.countDown();
        }
        return ModelOps.OK;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Prometheus when given; else the servers' own /metrics, scraped every second and kept for --history. */
    private HealthReader reader(Progress progress) {
        if (prometheusUrl != null) {
            if (!endpoints.isEmpty()) {
                throw new InvalidInputException("give --prometheus or --endpoint, not both: the page reads one source");
            }
            return HealthReader.prometheus(PrometheusClient.connect(prometheus.config(prometheusUrl)));
        }
        if (endpoints.isEmpty()) {
            throw new InvalidInputException("give --prometheus URL, or --endpoint URL for each model server: the "
                    + "dashboard needs somewhere to read the models");
        }
        Duration kept = Durations.parse(history, Parameter.WINDOW);
        ScrapeConfig config = ScrapeConfig.of(endpoints, kept.minusMinutes(1)).withCaCertificate(serverCa);
        return HealthReader.scrape(ScrapeSource.start(config, progress));
    }

    private List<HealthRequest.GateFile> gateFiles() {
        List<HealthRequest.GateFile> files = new ArrayList<>();
        for (String entry : gateStates) {
            int eq = entry.indexOf('=');
            String model = eq > 0 ? entry.substring(0, eq) : null;
            Path file = Path.of(eq > 0 ? entry.substring(eq + 1) : entry);
            if (file.toString().isEmpty()) {
                throw new InvalidInputException("--gate-state '" + entry + "' names no file: give FILE or MODEL=FILE");
            }
            if (Files.isDirectory(file)) {
                throw new InvalidInputException("--gate-state " + file + " is a directory: give the file that "
                        + "modelops gate --state-file writes");
            }
            files.add(new HealthRequest.GateFile(model, file));
        }
        return files;
    }

    private List<Path> bundles() {
        for (Path dir : bundles) {
            if (!Files.isRegularFile(dir.resolve(io.jenkins.plugins.modelops.bundle.ModelBundle.MANIFEST))) {
                throw new InvalidInputException("--bundle " + dir + " is not a model bundle (no bundle.json): give "
                        + "the directory modelops train --out wrote");
            }
        }
        return bundles;
    }

    /** An IP address (or localhost), never a name to look up: a typo must not wait for DNS. */
    private static InetAddress address(String host) {
        String octet = "(25[0-5]|2[0-4]\\d|1?\\d?\\d)";
        boolean literal = host.equals("localhost") || host.matches("(" + octet + "\\.){3}" + octet) || host.contains(":");
        try {
            if (literal) {
                return InetAddress.getByName(host);
            }
        } catch (UnknownHostException e) {
            // not an address after all: refused below
        }
        throw new InvalidInputException("--bind '" + host + "' is not an IP address: give 127.0.0.1 (this machine "
                + "only, the default), 0.0.0.0 (every interface) or one of this machine's addresses");
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the JVM is already running the hook
        }
    }
}
