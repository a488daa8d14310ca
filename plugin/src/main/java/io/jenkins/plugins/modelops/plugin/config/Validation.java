package io.jenkins.plugins.modelops.plugin.config;

import hudson.util.FormValidation;
import io.jenkins.plugins.modelops.Durations;
import io.jenkins.plugins.modelops.InvalidInputException;
import io.jenkins.plugins.modelops.Parameter;
import io.jenkins.plugins.modelops.deploy.kube.KubeNames;
import io.jenkins.plugins.modelops.monitor.signal.Condition;

import java.net.URI;
import java.util.function.Consumer;

/**
 * Form checks that ask the engines' own parsers, so the form says exactly what the step would say at run time.
 * An empty value is fine here: required fields say so with {@link #required}.
 */
public final class Validation {

    private Validation() {
    }

    public static FormValidation check(String value, Consumer<String> parser) {
        if (value == null || value.isBlank()) {
            return FormValidation.ok();
        }
        try {
            parser.accept(value.strip());
            return FormValidation.ok();
        } catch (InvalidInputException | IllegalArgumentException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    public static FormValidation required(String value, String what) {
        return value == null || value.isBlank() ? FormValidation.error(what + " is required") : FormValidation.ok();
    }

    /** {@code 90s}, {@code 5m}, {@code 1h}, {@code PT5M}: core's {@link Durations}. */
    public static FormValidation duration(String value, Parameter parameter) {
        return check(value, v -> Durations.parse(v, parameter));
    }

    /** A gate condition as {@code accuracy >= 0.9}; the step's map form joins key and value to the same. */
    public static FormValidation condition(String value) {
        return check(value, Condition::parse);
    }

    /** The deployment's name: a DNS-1123 (RFC 1035) label that leaves room for {@code -canary}. */
    public static FormValidation name(String value) {
        return check(value, KubeNames::checkName);
    }

    public static FormValidation namespace(String value) {
        return check(value, KubeNames::checkNamespace);
    }

    /** A Kubernetes object name (a TLS Secret, a PersistentVolumeClaim). */
    public static FormValidation objectName(String value, Parameter parameter) {
        return check(value, v -> KubeNames.checkDns1123Subdomain(parameter, parameter.ref(), v));
    }

    public static FormValidation image(String value) {
        return check(value, KubeNames::checkImage);
    }

    public static FormValidation httpUrl(String value) {
        return check(value, v -> {
            URI uri = URI.create(v);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("give an http:// or https:// URL with a host");
            }
        });
    }

    public static FormValidation integer(String value, int min, int max) {
        return check(value, v -> {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new IllegalArgumentException("give a whole number from " + min + " to " + max);
            }
        });
    }
}
