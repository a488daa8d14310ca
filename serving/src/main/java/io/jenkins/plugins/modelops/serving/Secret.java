package io.jenkins.plugins.modelops.serving;

import io.jenkins.plugins.modelops.InvalidInputException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A token or key the server is given (from a file or an environment variable): compared in constant time, never
 * shown ({@link #toString} is redacted, so a logged or printed configuration does not carry it).
 */
public final class Secret {

    /** Shorter secrets are refused: a guessable token would protect nothing. */
    static final int MIN_LENGTH = 16;

    private final byte[] bytes;
    private final byte[] digest;

    private Secret(byte[] bytes) {
        this.bytes = bytes;
        this.digest = sha256(bytes);
    }

    /** {@code text} stripped of surrounding white space (a file's final newline); {@code source} names it in errors. */
    public static Secret of(String source, String text) {
        byte[] bytes = text.strip().getBytes(StandardCharsets.UTF_8);
        if (bytes.length < MIN_LENGTH) {
            throw new InvalidInputException(source + " holds " + (bytes.length == 0 ? "nothing" : "only " + bytes.length
                    + " bytes") + "; a secret needs at least " + MIN_LENGTH + " (e.g. openssl rand -hex 32)");
        }
        return new Secret(bytes);
    }

    public static Secret fromFile(String flag, Path file) {
        try {
            return of(flag + " " + file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new InvalidInputException(flag + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    /** Whether {@code presented} is this secret, in time that depends on neither's contents nor length. */
    boolean matches(String presented) {
        return MessageDigest.isEqual(digest, sha256(presented.getBytes(StandardCharsets.UTF_8)));
    }

    /** The secret itself, for use as a key. */
    byte[] bytes() {
        return bytes.clone();
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && MessageDigest.isEqual(digest, secret.digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return "[secret]";
    }
}
