package io.jenkins.plugins.modelops.plugin;

import org.codehaus.groovy.ast.ASTNode;
import org.codehaus.groovy.ast.ClassNode;
import org.codehaus.groovy.ast.CodeVisitorSupport;
import org.codehaus.groovy.ast.builder.AstBuilder;
import org.codehaus.groovy.ast.expr.ConstantExpression;
import org.codehaus.groovy.ast.expr.Expression;
import org.codehaus.groovy.ast.expr.ListExpression;
import org.codehaus.groovy.ast.expr.MapEntryExpression;
import org.codehaus.groovy.ast.expr.MapExpression;
import org.codehaus.groovy.ast.expr.MethodCallExpression;
import org.codehaus.groovy.ast.expr.TupleExpression;
import org.codehaus.groovy.ast.stmt.BlockStatement;
import org.codehaus.groovy.control.CompilePhase;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every Jenkinsfile the repository shows users: the top-level {@code Jenkinsfile}, {@code docs/examples/*Jenkinsfile},
 * and each {@code ```groovy} block of {@code README.md} and {@code docs/**.md}; parsed by the Groovy Jenkins runs
 * Pipelines with (groovy-all 2.4.21), and the ModelOps step calls in them with their named arguments.
 */
final class Jenkinsfiles {

    static final Set<String> STEPS = Set.of("trainModel", "deployModel", "monitorModel");
    private static final Pattern GROOVY_BLOCK = Pattern.compile("```groovy\\n(.*?)```", Pattern.DOTALL);

    /** One Jenkinsfile: where it is (file, and block number in a Markdown file) and its text. */
    record Source(String where, String text) {
        @Override
        public String toString() {
            return where;
        }
    }

    /** A step call; an argument that is not a literal (a variable, a GString) is an {@link Expression}. */
    record Call(Source source, int line, String step, Map<String, Object> arguments) {
        @Override
        public String toString() {
            return step + " at " + source + ":" + line;
        }
    }

    private Jenkinsfiles() {
    }

    /** The repository: {@code MODELOPS_ROOT} (set by .ci/run), else the first parent of the working directory with README.md and plugin/. */
    static Path root() {
        String given = System.getenv("MODELOPS_ROOT");
        if (given != null) {
            return Path.of(given);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("plugin"))) {
                return p;
            }
        }
        throw new AssertionError("cannot find the repository: set MODELOPS_ROOT (as .ci/run does)");
    }

    static List<Source> all() throws IOException {
        Path root = root();
        List<Source> sources = new ArrayList<>();
        sources.add(new Source("Jenkinsfile", Files.readString(root.resolve("Jenkinsfile"))));
        List<Path> docs;
        try (Stream<Path> walk = Files.walk(root.resolve("docs"))) {
            docs = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : Stream.concat(Stream.of(root.resolve("README.md")), docs.stream()).toList()) {
            String name = root.relativize(file).toString();
            if (name.endsWith("Jenkinsfile")) {
                sources.add(new Source(name, Files.readString(file)));
            } else if (name.endsWith(".md")) {
                Matcher m = GROOVY_BLOCK.matcher(Files.readString(file));
                for (int block = 1; m.find(); block++) {
                    sources.add(new Source(name + " block " + block, m.group(1)));
                }
            }
        }
        return sources;
    }

    /** Parses with Groovy 2.4 (a syntax error fails) and returns the ModelOps step calls. */
    static List<Call> calls(Source source) {
        List<ASTNode> nodes = new AstBuilder().buildFromString(CompilePhase.CONVERSION, false, source.text());
        List<Call> calls = new ArrayList<>();
        CodeVisitorSupport visitor = new CodeVisitorSupport() {
            @Override
            public void visitMethodCallExpression(MethodCallExpression call) {
                if (call.isImplicitThis() && STEPS.contains(call.getMethodAsString())) {
                    calls.add(new Call(source, call.getLineNumber(), call.getMethodAsString(),
                            namedArguments(call.getArguments())));
                }
                super.visitMethodCallExpression(call);
            }
        };
        for (ASTNode node : nodes) {
            if (node instanceof BlockStatement block) {
                block.visit(visitor);
            } else if (node instanceof ClassNode type) {
                // the script's own run() holds the block above again; only methods the script declares count
                type.getMethods().stream().filter(m -> !m.getName().equals("run") && !m.getName().equals("main"))
                        .forEach(m -> m.getCode().visit(visitor));
            }
        }
        return calls;
    }

    private static Map<String, Object> namedArguments(Expression arguments) {
        Map<String, Object> named = new LinkedHashMap<>();
        if (arguments instanceof TupleExpression tuple) {
            for (Expression e : tuple.getExpressions()) {
                if (e instanceof MapExpression map) {
                    for (MapEntryExpression entry : map.getMapEntryExpressions()) {
                        named.put(entry.getKeyExpression().getText(), value(entry.getValueExpression()));
                    }
                } else {
                    named.put("<positional>", e);
                }
            }
        }
        return named;
    }

    /** Literals as Java values (String, Number, Boolean, List, Map); anything else stays an expression. */
    static Object value(Expression e) {
        if (e instanceof ConstantExpression constant) {
            return constant.getValue();
        }
        if (e instanceof ListExpression list) {
            List<Object> values = new ArrayList<>();
            list.getExpressions().forEach(x -> values.add(value(x)));
            return values;
        }
        if (e instanceof MapExpression map) {
            Map<String, Object> values = new LinkedHashMap<>();
            map.getMapEntryExpressions().forEach(x -> values.put(x.getKeyExpression().getText(),
                    value(x.getValueExpression())));
            return values;
        }
        return e;
    }
}
