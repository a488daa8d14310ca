package io.jenkins.plugins.modelops.deploy.image;

import com.google.cloud.tools.jib.api.Credential;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.V22ManifestTemplate;
import com.google.cloud.tools.jib.registry.RegistryClient;
import io.jenkins.plugins.modelops.Progress;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The built image's layers and their compressed sizes, read back from what was written: Jib reports digests, not
 * sizes. A tarball is read directly; a registry's manifest is fetched with Jib's registry client (an internal Jib
 * class, the only one used here: it already speaks every registry's auth).
 */
final class Layers {

    private Layers() {
    }

    static List<BuildImage.LayerReport> fromArchive(Path tar) throws IOException {
        List<ArchiveFacts.Layer> layers = ArchiveFacts.read(tar, false).layers();
        List<BuildImage.LayerReport> reports = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            String file = layers.get(i).file();
            String hex = file.replaceFirst("^.*/", "").replaceFirst("\\.tar(\\.gz)?$", "");
            reports.add(new BuildImage.LayerReport(name(i, layers.size()), "sha256:" + hex, layers.get(i).size()));
        }
        return List.copyOf(reports);
    }

    static List<BuildImage.LayerReport> fromRegistry(ImageReference image, JibContainer container,
                                                     Optional<RegistryCredentials> credentials, boolean plainHttp,
                                                     Progress progress) {
        FailoverHttpClient http = new FailoverHttpClient(plainHttp, plainHttp, event -> { });
        try {
            RegistryClient.Factory factory = RegistryClient.factory(EventHandlers.NONE, image.getRegistry(),
                    image.getRepository(), http);
            credentials.ifPresent(c -> factory.setCredential(Credential.from(c.username(), c.password())));
            RegistryClient client = factory.newRegistryClient();
            if (!client.doPullBearerAuth() && credentials.isPresent()) {
                client.configureBasicAuth();
            }
            V22ManifestTemplate manifest = client.pullManifest(container.getDigest().toString(),
                    V22ManifestTemplate.class).getManifest();
            List<BuildableManifestTemplate.ContentDescriptorTemplate> layers = manifest.getLayers();
            List<BuildImage.LayerReport> reports = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                reports.add(new BuildImage.LayerReport(name(i, layers.size()), layers.get(i).getDigest().toString(),
                        layers.get(i).getSize()));
            }
            return List.copyOf(reports);
        } catch (IOException | com.google.cloud.tools.jib.api.RegistryException | RuntimeException e) {
            progress.warn("the image was pushed, but its manifest could not be read back for the layer sizes: "
                    + e.getMessage());
            return List.of();
        } finally {
            try {
                http.shutDown();
            } catch (IOException e) {
                // nothing to release that matters
            }
        }
    }

    /** ModelOps' layers are the last three; all before them come from the base. */
    private static String name(int index, int count) {
        int own = index - (count - ImageContents.LAYERS.size());
        return own >= 0 ? ImageContents.LAYERS.get(own) : "base";
    }
}
