package io.jenkins.plugins.modelops.deploy.kube;

/**
 * A Kubernetes failure the user cannot fix by changing an argument: the API server is unreachable, the credentials
 * may not do something, an object kept changing under us. The message says what was attempted and what is needed.
 */
public class KubeException extends RuntimeException {

    public KubeException(String message) {
        super(message);
    }

    public KubeException(String message, Throwable cause) {
        super(message, cause);
    }
}
