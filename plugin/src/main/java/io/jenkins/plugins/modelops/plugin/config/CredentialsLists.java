package io.jenkins.plugins.modelops.plugin.config;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.model.Item;
import hudson.security.ACL;
import hudson.util.ListBoxModel;
import jenkins.model.Jenkins;

/**
 * The credentials a form may offer, as docker-commons and kubernetes-cli list them: only to whoever may configure
 * the item (or Jenkins, for the global configuration); anyone else sees just the current value.
 */
public final class CredentialsLists {

    private CredentialsLists() {
    }

    public static ListBoxModel of(Item item, String current, Class<? extends StandardCredentials> type) {
        StandardListBoxModel result = new StandardListBoxModel();
        boolean allowed = item == null ? Jenkins.get().hasPermission(Jenkins.ADMINISTER)
                : item.hasPermission(Item.EXTENDED_READ) || item.hasPermission(Item.CONFIGURE);
        if (!allowed) {
            result.includeCurrentValue(current == null ? "" : current);
            return result;
        }
        result.includeEmptyValue();
        if (item == null) {
            result.includeAs(ACL.SYSTEM2, Jenkins.get(), type);
        } else {
            result.includeAs(ACL.SYSTEM2, item, type);
        }
        return result.includeCurrentValue(current == null ? "" : current);
    }
}
