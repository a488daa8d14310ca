package io.jenkins.plugins.modelops.plugin;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.AbortException;
import hudson.model.Run;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Credentials a step uses, looked up for the build and tracked on it (the credential's usage page lists the build);
 * their values go to the engine only, never to the log.
 */
public final class StepCredentials {

    private StepCredentials() {
    }

    public static <C extends StandardCredentials> C find(Run<?, ?> run, String step, String id, Class<C> type)
            throws AbortException {
        C found = CredentialsProvider.findCredentialById(id, type, run);
        if (found == null) {
            throw new AbortException(step + ": no " + type.getSimpleName() + " credential '" + id + "'");
        }
        return CredentialsProvider.track(run, found);
    }

    /** A secret text's value; null without an id. */
    public static String secret(Run<?, ?> run, String step, String id) throws AbortException {
        return id == null ? null : find(run, step, id, StringCredentials.class).getSecret().getPlainText();
    }

    /** A secret file's content (a kubeconfig); null without an id. */
    public static String file(Run<?, ?> run, String step, String id) throws IOException {
        if (id == null) {
            return null;
        }
        try (InputStream in = find(run, step, id, FileCredentials.class).getContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
