package io.jenkins.plugins.modelops.deploy.kube;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The names and labels of a deployment's objects, and the checks that keep them valid for the API server. */
public final class KubeNames {

    public static final String NAME = "app.kubernetes.io/name";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String VERSION = "app.kubernetes.io/version";
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String TRACK = "modelops.io/track";
    public static final String APP = "modelops-server";
    public static final String MANAGER = "modelops";

    public static final String MODEL_ID = "modelops.io/model-id";
    public static final String IMAGE_DIGEST = "modelops.io/image-digest";
    public static final String BUILD_URL = "modelops.io/build-url";
    public static final String CHANGE_CAUSE = "kubernetes.io/change-cause";
    /** The Deployment's revision before the last change, for rollback (the mock keeps no ReplicaSets). */
    public static final String PREVIOUS = "modelops.io/previous-revision";

    public static final String STABLE = "stable";
    public static final String CANARY = "canary";
    public static final String CANARY_SUFFIX = "-canary";

    /** Services need an RFC 1035 label (<= 63); "-canary" must still fit. */
    static final int MAX_NAME = 63 - CANARY_SUFFIX.length();

    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1123_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?");

    private KubeNames() {
    }

    public static String canary(String name) {
        return name + CANARY_SUFFIX;
    }

    /** The labels that select a deployment's pods on both tracks: what the Service, HPA and monitor select. */
    static Map<String, String> selector(String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, APP);
        labels.put(INSTANCE, name);
        return labels;
    }

    /** One track's pods: the Deployment's (immutable) selector. */
    static Map<String, String> trackSelector(String name, String track) {
        Map<String, String> labels = selector(name);
        labels.put(TRACK, track);
        return labels;
    }

    /** A value that fits a label: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends. */
    static String labelValue(String text) {
        String v = text.replaceAll("[^-A-Za-z0-9_.]", "-");
        if (v.length() > 63) {
            v = v.substring(0, 63);
        }
        v = v.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        return LABEL_VALUE.matcher(v).matches() ? v : "";
    }

    public static void checkName(String name) {
        if (name == null || name.length() > MAX_NAME || !DNS_1035_LABEL.matcher(name).matches()) {
            throw new InvalidInputException(Parameter.NAME, Parameter.NAME.ref() + " '" + name + "' is not a valid"
                    + " Kubernetes name: it must be an RFC 1035 label (a DNS-1123 label that Services accept):"
                    + " lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at"
                    + " most " + MAX_NAME + " characters so that '<name>" + CANARY_SUFFIX + "' fits 63");
        }
    }

    public static void checkNamespace(String namespace) {
        if (namespace == null || namespace.length() > 63 || !DNS_1123_LABEL.matcher(namespace).matches()) {
            throw new InvalidInputException(Parameter.NAMESPACE, Parameter.NAMESPACE.ref() + " '" + namespace
                    + "' is not a valid namespace: it must be a DNS-1123 label: lowercase letters, digits and '-',"
                    + " starting and ending with a letter or digit, at most 63 characters");
        }
    }

    public static void checkDns1123Subdomain(Parameter parameter, String what, String name) {
        if (name.length() > 253 || !DNS_1123_SUBDOMAIN.matcher(name).matches()) {
            throw new InvalidInputException(parameter, what + " '" + name + "' is not a valid Kubernetes object name:"
                    + " it must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending"
                    + " with a letter or digit, at most 253 characters");
        }
    }

    /** The reference as given, if a registry would accept it (Jib's parser: the distribution grammar). */
    public static String checkImage(String image) {
        String why = null;
        if (image == null || image.isBlank()) {
            why = "it is empty";
        } else if (!image.equals(image.strip())) {
            why = "it has spaces around it";
        } else {
            try {
                ImageReference.parse(image);
            } catch (InvalidImageReferenceException e) {
                why = "it does not follow [REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST] with a lowercase"
                        + " repository";
            }
        }
        if (why != null) {
            throw new InvalidInputException(Parameter.IMAGE, Parameter.IMAGE.ref() + " '" + image
                    + "' is not a valid image reference: " + why);
        }
        return image;
    }
}
