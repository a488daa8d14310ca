package io.jenkins.plugins.modelops.cli;

import io.jenkins.plugins.modelops.Parameter;

/** The engine's parameters as this CLI spells them: {@code output} is {@code --out}, {@code params} is {@code --param}. */
final class Flags {

    private Flags() {
    }

    static String of(Parameter parameter) {
        return switch (parameter) {
            case OUTPUT -> "--out";
            case PARAMS -> "--param";
            case MODEL -> "--bundle";
            case PROMETHEUS_URL -> "--prometheus";
            default -> "--" + parameter.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        };
    }

    /** An engine message with its parameter references spelled as flags. */
    static String render(String message) {
        return Parameter.render(message, Flags::of);
    }
}
