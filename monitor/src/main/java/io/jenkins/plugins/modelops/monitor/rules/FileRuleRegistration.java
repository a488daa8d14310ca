package io.jenkins.plugins.modelops.monitor.rules;

import io.jenkins.plugins.modelops.Progress;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusClient;
import io.jenkins.plugins.modelops.monitor.prometheus.PrometheusException;
import io.jenkins.plugins.modelops.monitor.prometheus.RuleGroupStatus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Rules registered with a Prometheus that loads rule files ({@code rule_files: [DIR/*.yml]} and
 * {@code --web.enable-lifecycle}): the group's file is written, Prometheus reloaded, and the group confirmed loaded
 * and healthy through {@code /api/v1/rules}. When Prometheus refuses the file (it answers the reload 500 and keeps
 * its old rules) or the group never shows up healthy, the previous file is put back, so the directory always holds
 * what Prometheus runs.
 */
public final class FileRuleRegistration {

    /** What Prometheus runs now: the group's file and its rules, all evaluated without error. */
    public record Outcome(Path file, RuleGroupStatus loaded) {
    }

    private FileRuleRegistration() {
    }

    public static Path fileOf(Path rulesDir, String groupName) {
        return rulesDir.resolve(groupName + ".yml");
    }

    public static Outcome register(RuleGroup group, Path rulesDir, PrometheusClient prometheus, Duration timeout,
                                   Progress progress) {
        Path file = fileOf(rulesDir, group.name());
        Optional<String> previous = read(file);
        write(file, Optional.of(RuleFiles.ruleFile(group)));
        try {
            prometheus.reload();
            RuleGroupStatus loaded = awaitHealthy(prometheus, group, file, timeout);
            // Kept (under a name rule_files' *.yml does not match) for a rollback to put back.
            write(previousOf(file), previous);
            progress.info("Prometheus at " + prometheus.url() + " runs rule group " + group.name() + " ("
                    + group.recordings().size() + " recording rules, " + group.alerts().size() + " alerts) from "
                    + file);
            return new Outcome(file, loaded);
        } catch (RuntimeException e) {
            write(file, previous);
            try {
                prometheus.reload();
            } catch (PrometheusException again) {
                e.addSuppressed(again);
            }
            throw new IllegalStateException("Prometheus at " + prometheus.url() + " did not take rule group "
                    + group.name() + ": " + e.getMessage() + "; " + (previous.isPresent() ? "the previous " + file
                    + " is back in place" : file + " was removed again"), e);
        }
    }

    /**
     * After a rollback: the rules registered before the last {@link #register} are put back (or, when there were
     * none, the group is removed), and Prometheus reloaded.
     */
    public static void restorePrevious(String groupName, Path rulesDir, PrometheusClient prometheus,
                                       Progress progress) {
        Path file = fileOf(rulesDir, groupName);
        Optional<String> previous = read(previousOf(file));
        write(file, previous);
        write(previousOf(file), Optional.empty());
        prometheus.reload();
        progress.info(previous.isPresent() ? "Rule group " + groupName + " is back as it was before the rolled-back "
                + "version" : "Rule group " + groupName + " removed: the rolled-back version had brought it");
    }

    private static Path previousOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".previous");
    }

    /** The group's file removed and Prometheus reloaded (rollback, undeploy); nothing to remove is fine. */
    public static void remove(String groupName, Path rulesDir, PrometheusClient prometheus, Progress progress) {
        Path file = fileOf(rulesDir, groupName);
        if (read(file).isEmpty()) {
            return;
        }
        write(file, Optional.empty());
        write(previousOf(file), Optional.empty());
        prometheus.reload();
        progress.info("Removed rule group " + groupName + " (" + file + ") from Prometheus at " + prometheus.url());
    }

    private static RuleGroupStatus awaitHealthy(PrometheusClient prometheus, RuleGroup group, Path file,
                                                Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String state = "not loaded";
        while (true) {
            for (RuleGroupStatus loaded : prometheus.rules()) {
                if (!loaded.name().equals(group.name()) || !sameFile(loaded.file(), file)) {
                    continue;
                }
                Optional<RuleGroupStatus.RuleStatus> broken = loaded.rules().stream()
                        .filter(r -> "err".equals(r.health())).findFirst();
                if (broken.isPresent()) {
                    throw new IllegalStateException("rule " + broken.get().name() + " fails: "
                            + broken.get().lastError());
                }
                if (loaded.rules().size() == group.rules().size()
                        && loaded.rules().stream().allMatch(r -> "ok".equals(r.health()))) {
                    return loaded;
                }
                state = "loaded, " + loaded.rules().stream().filter(r -> !"ok".equals(r.health())).count()
                        + " rules not evaluated yet";
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the group is " + state + " after " + timeout.toSeconds()
                        + " s (does the Prometheus configuration's rule_files cover " + file.getParent() + "?)");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static boolean sameFile(String loaded, Path file) {
        try {
            return Path.of(loaded).toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())
                    || Files.isSameFile(Path.of(loaded), file);
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
                    : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Atomically: Prometheus never reads a half-written file. Empty removes it. */
    private static void write(Path file, Optional<String> content) {
        try {
            if (content.isEmpty()) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(file.getParent());
            Path temporary = Files.createTempFile(file.getParent(), ".modelops-", ".tmp");
            Files.writeString(temporary, content.get(), StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
