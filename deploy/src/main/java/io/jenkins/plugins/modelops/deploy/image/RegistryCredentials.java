package io.jenkins.plugins.modelops.deploy.image;

import java.util.Objects;

/** A registry login from the caller (the CLI's flags, a Jenkins credential). Never logged: toString hides it. */
public record RegistryCredentials(String username, String password) {

    public RegistryCredentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "RegistryCredentials[username=" + username + ", password=****]";
    }
}
