package io.jenkins.plugins.modelops.deploy.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** A docker-archive tarball as the tests look at it, read with commons-compress (not the code under test). */
record ImageArchive(JsonNode config, List<String> layerFiles, Map<String, byte[]> files) {

    static ImageArchive read(Path tar) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.isFile()) {
                    files.put(entry.getName(), in.readAllBytes());
                }
            }
        }
        JsonNode manifest = Json.MAPPER.readTree(files.get("manifest.json")).get(0);
        List<String> layers = new ArrayList<>();
        manifest.get("Layers").forEach(l -> layers.add(l.asText()));
        return new ImageArchive(Json.MAPPER.readTree(files.get(manifest.get("Config").asText())), layers, files);
    }

    /** The entries (paths, directories with a trailing /) of layer {@code index}, counted from the end if < 0. */
    List<String> layerEntries(int index) throws IOException {
        String file = layerFiles.get(index < 0 ? layerFiles.size() + index : index);
        List<String> names = new ArrayList<>();
        InputStream raw = new ByteArrayInputStream(files.get(file));
        try (TarArchiveInputStream in = new TarArchiveInputStream(file.endsWith(".gz") ? new GZIPInputStream(raw) : raw)) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        return names;
    }

    long layerSize(int index) {
        return files.get(layerFiles.get(index < 0 ? layerFiles.size() + index : index)).length;
    }
}
