package io.jenkins.plugins.modelops.monitor.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.Progress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code modelops alerts} and the alert routes of {@code monitorModel}: a model's route, receivers and templates on
 * Alertmanager's side, as an alertmanager.yml merged in place (mode 0600, with its templates file beside it) or as
 * an AlertmanagerConfig that refers to a Secret. Everything is checked before anything is written, and nothing
 * secret reaches {@link Progress} or the {@link Outcome}.
 */
public final class AlertRoutes {

    static final String FILE_MODE = "rw-------";
    static final String PUBLIC_MODE = "rw-r--r--";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    /** An alertmanager.yml for a file-based Alertmanager, or an AlertmanagerConfig for prometheus-operator. */
    public enum Format {
        FILE, CRD;

        public static Format parse(String text) {
            for (Format format : values()) {
                if (format.name().toLowerCase(Locale.ROOT).equals(text)) {
                    return format;
                }
            }
            throw new InvalidInputException(Parameter.FORMAT, Parameter.FORMAT.ref() + " '" + text + "' is not a "
                    + "form of alert routes: accepted are file (an alertmanager.yml, merged) and crd (an "
                    + "AlertmanagerConfig)");
        }
    }

    /**
     * @param out the alertmanager.yml to merge into (created when missing), or the AlertmanagerConfig's file
     * @param namespace the AlertmanagerConfig's namespace (and its Secret's); null: the one it is applied in
     */
    public record Request(AlertRoute route, Format format, Path out, String namespace) {
        public Request {
            if (out == null) {
                throw new InvalidInputException(Parameter.OUTPUT, Parameter.OUTPUT.ref() + " FILE is required: the "
                        + (format == Format.CRD ? "AlertmanagerConfig to write" : "alertmanager.yml to merge into"));
            }
            if (Files.isDirectory(out)) {
                throw new InvalidInputException(Parameter.OUTPUT, Parameter.OUTPUT.ref() + " " + out + " is a "
                        + "directory: give the file to write, such as " + out.resolve(format == Format.CRD
                        ? "alertmanagerconfig.yaml" : "alertmanager.yml"));
            }
        }
    }

    /**
     * What was written: the files, the receiver (and route) name, and for the Kubernetes form the Secret the user
     * creates and its keys. No value here is secret.
     */
    public record Outcome(Path config, Optional<Path> templates, String receiver, Optional<String> secret,
                          List<String> secretKeys) {
    }

    private AlertRoutes() {
    }

    public static Outcome run(Request request, Progress progress) {
        AlertRoute route = request.route();
        if (request.format() == Format.CRD) {
            AlertmanagerConfigCrd crd = new AlertmanagerConfigCrd(route);
            write(request.out(), yaml(crd.object(request.namespace())), PUBLIC_MODE);
            progress.info("Wrote AlertmanagerConfig " + route.receiver() + " (route model=\"" + route.name() + "\", "
                    + receivers(route) + ") to " + request.out());
            if (!crd.secretKeys().isEmpty()) {
                progress.info("It refers to the Secret " + crd.secretName() + " (keys " + String.join(", ",
                        crd.secretKeys()) + "); create it" + (request.namespace() == null ? "" : " in namespace "
                        + request.namespace()) + ": " + secretCommand(crd, route, request.namespace()));
            }
            return new Outcome(request.out(), Optional.empty(), route.receiver(), Optional.of(crd.secretName()),
                    crd.secretKeys());
        }
        AlertmanagerFile file = new AlertmanagerFile(route);
        Map<String, Object> merged = file.merge(read(request.out()), request.out().toString());
        Path templates = request.out().toAbsolutePath().resolveSibling(file.templatesFileName());
        write(templates, file.templatesFile(), PUBLIC_MODE);
        write(request.out(), AlertmanagerFile.HEADER + yaml(merged), FILE_MODE);
        progress.info("Wrote route " + route.receiver() + " (model=\"" + route.name() + "\", " + receivers(route)
                + ") into " + request.out() + " (mode 0600: it holds the receivers' secrets inline) and its "
                + "templates to " + templates);
        return new Outcome(request.out(), Optional.of(templates), route.receiver(), Optional.empty(), List.of());
    }

    private static String receivers(AlertRoute route) {
        List<String> kinds = new ArrayList<>();
        if (!route.emails().isEmpty()) {
            kinds.add("email to " + String.join(", ", route.emails()));
        }
        if (!route.webhooks().isEmpty()) {
            kinds.add(route.webhooks().size() + " webhook" + (route.webhooks().size() == 1 ? "" : "s"));
        }
        if (!route.slackUrls().isEmpty()) {
            kinds.add(route.slackUrls().size() + " Slack URL" + (route.slackUrls().size() == 1 ? "" : "s"));
        }
        return String.join(", ", kinds);
    }

    /** The kubectl command, with placeholders for the URLs: they are secrets and never printed. */
    private static String secretCommand(AlertmanagerConfigCrd crd, AlertRoute route, String namespace) {
        StringBuilder command = new StringBuilder("kubectl create secret generic " + crd.secretName());
        if (namespace != null) {
            command.append(" -n ").append(namespace);
        }
        for (String key : crd.secretKeys()) {
            command.append(key.equals(RouteAndReceiver.SMTP_PASSWORD_KEY)
                    ? " --from-file=" + key + "=" + route.smtp().authPasswordFile()
                    : " --from-literal=" + key + "='<" + (key.startsWith("slack") ? "Slack" : "webhook") + " URL "
                    + key.substring(key.lastIndexOf('-') + 1) + ">'");
        }
        return command.toString();
    }

    private static Map<String, Object> read(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Map<String, Object> config = text.isBlank() ? null
                    : YAML.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
            return config == null ? Map.of() : config;
        } catch (JsonProcessingException e) {
            // The location only: the parser's excerpt of the line could show a password.
            throw new InvalidInputException(Parameter.OUTPUT, Parameter.OUTPUT.ref() + " " + file + " is not an "
                    + "Alertmanager configuration (YAML mapping) at line " + (e.getLocation() == null ? "?"
                    : e.getLocation().getLineNr()) + ": give an alertmanager.yml, or a file that does not exist yet");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static String yaml(Object value) {
        try {
            return YAML.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Written beside, with its mode from the start (a secret is never readable by others, even for a moment), moved. */
    private static void write(Path file, String text, String mode) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path temporary = Files.createTempFile(dir, ".alerts-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(FILE_MODE)));
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(mode));
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
