package io.jenkins.plugins.modelops.plugin;

import io.jenkins.plugins.modelops.plugin.config.ModelOpsGlobalConfiguration;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;

import javax.xml.parsers.DocumentBuilderFactory;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Snippet Generator and configuration forms: every parameter of every step, and every field of the global
 * configuration, has an entry in {@code config.jelly} and a {@code help-<field>.html}; every Jelly view is
 * well-formed, escapes by default and uses only Jenkins' own tag libraries. Nothing here calls into Jenkins.
 */
class ViewsContractTest {

    private static final Set<String> TAG_LIBRARIES = Set.of("jelly:core", "jelly:stapler", "/lib/form",
            "/lib/credentials", "/lib/hudson", "/lib/layout");

    private static Path views(Class<?> type) throws Exception {
        URL url = type.getResource(type.getSimpleName() + "/config.jelly");
        assertThat(url).as(type.getSimpleName() + "/config.jelly").isNotNull();
        return Path.of(url.toURI()).getParent();
    }

    @Test
    void everyFieldHasAFormEntryAndHelp() throws Exception {
        Map<Class<?>, Set<String>> fields = new LinkedHashMap<>();
        for (Class<?> step : StepParametersContractTest.STEPS.values()) {
            fields.put(step, StepNames.all(step).keySet());
        }
        fields.put(ModelOpsGlobalConfiguration.class, StepNames.optional(ModelOpsGlobalConfiguration.class).keySet());
        List<String> missing = new ArrayList<>();
        for (Map.Entry<Class<?>, Set<String>> e : fields.entrySet()) {
            Path dir = views(e.getKey());
            String config = Files.readString(dir.resolve("config.jelly"));
            for (String field : e.getValue()) {
                if (!config.contains("field=\"" + field + "\"")) {
                    missing.add(e.getKey().getSimpleName() + "/config.jelly has no entry for " + field);
                }
                if (!Files.isRegularFile(dir.resolve("help-" + field + ".html"))) {
                    missing.add(e.getKey().getSimpleName() + " has no help-" + field + ".html");
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void everyViewIsWellFormedEscapedAndUsesJenkinsTagLibrariesOnly() throws Exception {
        Path root = Path.of(ViewsContractTest.class.getResource("/index.jelly").toURI()).getParent();
        List<Path> views;
        try (Stream<Path> walk = Files.walk(root)) {
            views = walk.filter(p -> p.toString().endsWith(".jelly")).toList();
        }
        assertThat(views).hasSizeGreaterThanOrEqualTo(5);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        for (Path view : views) {
            assertThat(Files.readString(view)).as(view.toString()).startsWith("<?jelly escape-by-default='true'?>");
            Document document = factory.newDocumentBuilder().parse(view.toFile());
            Element top = document.getDocumentElement();
            NamedNodeMap attributes = top.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                if (attributes.item(i).getNodeName().startsWith("xmlns:")) {
                    assertThat(TAG_LIBRARIES).as(view + " " + attributes.item(i).getNodeName())
                            .contains(attributes.item(i).getNodeValue());
                }
            }
        }
    }
}
