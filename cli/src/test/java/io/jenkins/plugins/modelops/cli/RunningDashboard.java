package io.jenkins.plugins.modelops.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code modelops dashboard ARGS} on a thread of the test JVM until {@link #close} (as Ctrl-C would stop it). */
final class RunningDashboard implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("Model health at (\\S+) ");

    private final Thread thread;
    private final URI url;

    private RunningDashboard(Thread thread, URI url) {
        this.thread = thread;
        this.url = url;
    }

    static RunningDashboard start(String... args) throws InterruptedException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> argv = new ArrayList<>(List.of("dashboard"));
        argv.addAll(List.of(args));
        Thread thread = new Thread(() -> ModelOps.run(argv.toArray(String[]::new), new PrintWriter(out, true),
                new PrintWriter(err, true)), "dashboard");
        thread.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && thread.isAlive()) {
            Matcher printed = URL.matcher(out.toString());
            if (printed.find()) {
                return new RunningDashboard(thread, URI.create(printed.group(1)));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("modelops dashboard printed no URL: " + out + err);
    }

    URI url() {
        return url;
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join(20_000);
    }
}
