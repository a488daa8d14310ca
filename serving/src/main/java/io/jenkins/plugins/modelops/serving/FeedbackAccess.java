package io.jenkins.plugins.modelops.serving;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Who may send feedback, which moves the gate's metrics. With a token configured: requests that present it as
 * {@code Authorization: Bearer TOKEN} (401 otherwise). Without one: anyone on a loopback address, and on any other
 * address only with {@code --open-feedback} (403 otherwise, saying how to configure a token).
 */
final class FeedbackAccess {

    static final String CHALLENGE = "Bearer realm=\"modelops-feedback\"";

    private final Secret token;
    private final boolean open;
    private final String host;

    FeedbackAccess(ServerConfig config) {
        this.token = config.feedbackToken();
        this.open = config.openFeedback() || loopback(config.host());
        this.host = config.host();
    }

    /** Throws the 401 or 403 for a request with this {@code Authorization} header (null if it has none). */
    void check(String authorization) {
        if (token != null) {
            String presented = bearer(authorization);
            if (presented == null || !token.matches(presented)) {
                // Neither the presented value nor the token appears in the message or any log line.
                throw new HttpError(401, "feedback needs the header 'Authorization: Bearer <token>' with the token this "
                        + "server was given (--feedback-token-file or MODELOPS_FEEDBACK_TOKEN)"
                        + (authorization == null ? "; the request has no Authorization header" : "; the request's does not match"));
            }
        } else if (!open) {
            throw new HttpError(403, "feedback is refused: this server listens on " + host + " without a feedback token, "
                    + "so anyone who reaches it could move the gate's metrics; give it a token (--feedback-token-file "
                    + "FILE or MODELOPS_FEEDBACK_TOKEN) and send 'Authorization: Bearer <token>', or start it with "
                    + "--open-feedback to accept feedback from anyone");
        }
    }

    /** The credentials of a Bearer {@code Authorization} header (the scheme is case-insensitive), else null. */
    private static String bearer(String authorization) {
        if (authorization == null || authorization.length() < 7 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).strip();
    }

    /** Whether {@code host} is only reachable from this machine (127.0.0.0/8, ::1, localhost). */
    static boolean loopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
