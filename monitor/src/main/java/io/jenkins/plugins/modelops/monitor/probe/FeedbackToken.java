package io.jenkins.plugins.modelops.monitor.probe;

import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model server's feedback token, sent as {@code Authorization: Bearer}. Never shown: {@link #toString} is
 * redacted, so a logged request record or a message built from one does not carry it.
 */
public final class FeedbackToken {

    /** The environment variable the server reads its token from; the probe reads the same one. */
    public static final String ENVIRONMENT = "MODELOPS_FEEDBACK_TOKEN";

    private final String value;

    private FeedbackToken(String value) {
        this.value = value;
    }

    /** {@code text} stripped of surrounding white space (a file's final newline); {@code source} names it in errors. */
    public static FeedbackToken of(String source, String text) {
        String stripped = text == null ? "" : text.strip();
        if (stripped.isEmpty()) {
            throw new InvalidInputException(Parameter.TOKEN_FILE, source + " holds no token");
        }
        if (stripped.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            // An HTTP header value cannot carry it; say so without echoing any of it.
            throw new InvalidInputException(Parameter.TOKEN_FILE, source + " holds white space or characters other "
                    + "than printable ASCII inside the token; a bearer token is one word (e.g. openssl rand -hex 32)");
        }
        return new FeedbackToken(stripped);
    }

    public static FeedbackToken fromFile(Path file) {
        try {
            return of(Parameter.TOKEN_FILE.ref() + " " + file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InvalidInputException(Parameter.TOKEN_FILE, Parameter.TOKEN_FILE.ref() + " " + file
                    + " cannot be read: " + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e.getMessage()));
        }
    }

    /** The header value. Only for the request itself. */
    String authorization() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "FeedbackToken[redacted]";
    }
}
