package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured log lines: one JSON object per line with {@code ts}, {@code level}, {@code event}, {@code msg} and
 * event fields, for a container's log collector. Thread-safe; a line is written with one {@code println}.
 */
public final class JsonLog {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final PrintWriter out;

    public JsonLog(PrintWriter out) {
        this.out = out;
    }

    public JsonLog(PrintStream out) {
        this(new PrintWriter(out, true));
    }

    public void info(String event, String msg, Object... fields) {
        write("info", event, msg, fields);
    }

    public void warn(String event, String msg, Object... fields) {
        write("warn", event, msg, fields);
    }

    public void error(String event, String msg, Object... fields) {
        write("error", event, msg, fields);
    }

    /** {@code fields} alternate names and values; values are written as JSON (numbers stay numbers). */
    private void write(String level, String event, String msg, Object... fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("ts", Instant.now().toString());
        line.put("level", level);
        line.put("event", event);
        line.put("msg", msg);
        for (int i = 0; i + 1 < fields.length; i += 2) {
            line.put(String.valueOf(fields[i]), fields[i + 1]);
        }
        String text;
        try {
            text = MAPPER.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            text = "{\"level\":\"error\",\"event\":\"log\",\"msg\":\"unloggable fields\"}";
        }
        out.println(text);
        out.flush();
    }
}
