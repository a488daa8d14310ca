package io.jenkins.plugins.modelops.deploy.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.jenkins.plugins.modelops.Json;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * What a docker-archive tarball says about its image, read in one pass without unpacking: its manifest, platform,
 * layer sizes, and (when asked) whether any layer holds {@code libgomp.so.1}, which XGBoost's native library
 * links to. Jib offers no look into a base's layers; for a tarball it is cheap to look ourselves.
 *
 * @param config the image configuration's file in the archive
 * @param layers the archive's layer files in image order, with their sizes as stored (compressed or not)
 * @param libgomp empty when not looked for
 */
record ArchiveFacts(String config, Optional<String> os, Optional<String> architecture,
                    List<Layer> layers, Optional<Boolean> libgomp) {

    record Layer(String file, long size) {
    }

    /** Not a docker-archive: no manifest.json (an OCI layout, or not an image at all); the message says which. */
    static final class NotAnArchive extends IOException {
        NotAnArchive(String message) {
            super(message);
        }
    }

    private static final int SMALL = 4 << 20;

    static ArchiveFacts read(Path tar, boolean lookForLibgomp) throws IOException {
        try (InputStream file = Files.newInputStream(tar)) {
            return read(file, lookForLibgomp);
        }
    }

    static ArchiveFacts read(InputStream archive, boolean lookForLibgomp) throws IOException {
        TarReader reader = new TarReader(archive);
        Map<String, byte[]> small = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        boolean oci = false;
        boolean libgomp = false;
        TarReader.Entry entry;
        while ((entry = reader.next()) != null) {
            String name = entry.name().startsWith("./") ? entry.name().substring(2) : entry.name();
            if (!entry.isFile()) {
                continue;
            }
            sizes.put(name, entry.size());
            if (name.equals("oci-layout")) {
                oci = true;
            }
            if ((name.endsWith(".json") || name.equals("manifest.json")) && entry.size() <= SMALL) {
                small.put(name, reader.content().readAllBytes());
            } else if (lookForLibgomp && !libgomp && entry.size() > 0) {
                libgomp = holdsLibgomp(reader.content());
            }
        }
        byte[] manifest = small.get("manifest.json");
        if (manifest == null) {
            throw new NotAnArchive(oci ? "an OCI image layout, not a docker-archive (convert it, e.g. skopeo copy "
                    + "oci:DIR docker-archive:FILE.tar)" : "not a docker-archive: it has no manifest.json");
        }
        JsonNode image = Json.MAPPER.readTree(manifest);
        if (!image.isArray() || image.isEmpty() || !image.get(0).has("Config")) {
            throw new NotAnArchive("not a docker-archive: its manifest.json lists no image");
        }
        JsonNode first = image.get(0);
        List<Layer> layers = new ArrayList<>();
        for (JsonNode layer : first.path("Layers")) {
            layers.add(new Layer(layer.asText(), sizes.getOrDefault(layer.asText(), 0L)));
        }
        byte[] config = small.get(first.get("Config").asText());
        Optional<String> os = Optional.empty();
        Optional<String> architecture = Optional.empty();
        if (config != null) {
            JsonNode c = Json.MAPPER.readTree(config);
            os = Optional.ofNullable(c.path("os").textValue());
            architecture = Optional.ofNullable(c.path("architecture").textValue());
        }
        return new ArchiveFacts(first.get("Config").asText(), os, architecture, List.copyOf(layers),
                lookForLibgomp ? Optional.of(libgomp) : Optional.empty());
    }

    /** Whether a layer (a tar, gzip-compressed or not) has a file named libgomp.so.1; false if it is no tar. */
    private static boolean holdsLibgomp(InputStream content) throws IOException {
        BufferedInputStream in = new BufferedInputStream(content, 1 << 16);
        in.mark(1024);
        byte[] head = in.readNBytes(512);
        in.reset();
        InputStream layer;
        if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            layer = new GZIPInputStream(in, 1 << 16);
        } else if (head.length == 512 && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII)
                .equals("ustar")) {
            layer = in;
        } else {
            return false;
        }
        TarReader files = new TarReader(layer);
        try {
            for (TarReader.Entry file = files.next(); file != null; file = files.next()) {
                String name = file.name();
                if (name.equals("libgomp.so.1") || name.endsWith("/libgomp.so.1")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false; // not a layer after all (a blob of another kind in an archive)
        }
        return false;
    }
}
