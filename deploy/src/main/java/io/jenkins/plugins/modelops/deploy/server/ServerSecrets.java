package io.jenkins.plugins.modelops.deploy.server;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A deployment's two secrets: the feedback token (callers of the feedback endpoints present it) and the
 * prediction-id key (every replica signs and reads ids with it). Generated once per deployment and kept by the
 * target (a Kubernetes Secret, a local deployment's state directory); {@link #toString} never shows them.
 */
public record ServerSecrets(String feedbackToken, String idKey) {

    public static final String FEEDBACK_TOKEN_KEY = "feedback-token";
    public static final String ID_KEY_KEY = "id-key";

    /** 32 random bytes each, hex: what {@code openssl rand -hex 32} makes, and what the server accepts. */
    public static ServerSecrets generate(SecureRandom random) {
        return new ServerSecrets(hex(random), hex(random));
    }

    private static String hex(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "ServerSecrets[feedbackToken=<redacted>, idKey=<redacted>]";
    }
}
