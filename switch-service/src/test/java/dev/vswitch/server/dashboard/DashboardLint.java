package dev.vswitch.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Schema and type checks of the Grafana dashboard, in the subset of Grafana's dashboard model (schemaVersion 38+)
 * that the vswitch dashboard uses. {@link #problems} lists everything wrong instead of stopping at the first.
 */
final class DashboardLint {

    /** Where the dashboard lives, relative to the repository root. */
    static final String RELATIVE_PATH = "helm/vswitch/dashboards/vswitch.json";
    static final Set<String> PANEL_TYPES = Set.of("row", "timeseries", "stat", "bargauge", "gauge", "table");
    static final int GRID_COLUMNS = 24;
    static final int MIN_SCHEMA_VERSION = 38;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A query of a panel. */
    record Target(String panel, String refId, String expr) {
    }

    private DashboardLint() {
    }

    /** The dashboard file, found from the switch-service module directory (Maven's working directory) or the root. */
    static Path file() {
        for (Path candidate : List.of(Path.of("..").resolve(RELATIVE_PATH), Path.of(RELATIVE_PATH))) {
            if (Files.isRegularFile(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
        }
        throw new AssertionError("Grafana dashboard not found: expected " + RELATIVE_PATH + " at the repository root ("
                + Path.of("..").resolve(RELATIVE_PATH).toAbsolutePath().normalize() + ")");
    }

    static JsonNode load() throws IOException {
        return JSON.readTree(file().toFile());
    }

    static ObjectNode copy(JsonNode dashboard) {
        return (ObjectNode) dashboard.deepCopy();
    }

    /** The datasource every panel and target must use: the dashboard's {@code datasource} variable. */
    static ObjectNode datasourceVariableRef() {
        return JSON.createObjectNode().put("type", "prometheus").put("uid", "${datasource}");
    }

    /** Every panel, those nested in (collapsed) rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            all.add(panel);
            for (JsonNode nested : panel.path("panels")) {
                all.add(nested);
            }
        }
        return all;
    }

    /** Every query of every panel (rows have none). */
    static List<Target> targets(JsonNode dashboard) {
        List<Target> targets = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                targets.add(new Target(panel.path("title").asText(), target.path("refId").asText(), target.path("expr").asText()));
            }
        }
        return targets;
    }

    static List<String> problems(JsonNode dashboard) {
        List<String> problems = new ArrayList<>();
        if (!dashboard.isObject()) {
            problems.add("the dashboard is not a JSON object");
            return problems;
        }
        requireText(dashboard, "uid", "dashboard", problems);
        requireText(dashboard, "title", "dashboard", problems);
        if (!"vswitch".equals(dashboard.path("title").asText())) {
            problems.add("dashboard: title is not \"vswitch\"");
        }
        String uid = dashboard.path("uid").asText();
        if (!uid.matches("[A-Za-z0-9_-]{1,40}")) {
            problems.add("dashboard: uid \"" + uid + "\" is not 1-40 letters, digits, '-' or '_'");
        }
        JsonNode schemaVersion = dashboard.get("schemaVersion");
        if (schemaVersion == null || !schemaVersion.isInt() || schemaVersion.asInt() < MIN_SCHEMA_VERSION) {
            problems.add("dashboard: schemaVersion must be an integer >= " + MIN_SCHEMA_VERSION + " (Grafana 10+), is " + schemaVersion);
        }
        requireType(dashboard, "version", JsonNode::isInt, "an integer", "dashboard", problems);
        requireType(dashboard, "editable", JsonNode::isBoolean, "a boolean", "dashboard", problems);
        requireType(dashboard, "tags", JsonNode::isArray, "an array", "dashboard", problems);
        requireType(dashboard, "time", JsonNode::isObject, "an object", "dashboard", problems);
        if (dashboard.path("time").isObject()) {
            requireText(dashboard.path("time"), "from", "dashboard time", problems);
            requireText(dashboard.path("time"), "to", "dashboard time", problems);
        }
        requireType(dashboard, "panels", JsonNode::isArray, "an array", "dashboard", problems);
        requireType(dashboard, "templating", JsonNode::isObject, "an object", "dashboard", problems);
        if (dashboard.path("templating").isObject()) {
            requireType(dashboard.path("templating"), "list", JsonNode::isArray, "an array", "templating", problems);
        }
        templating(dashboard.path("templating").path("list"), problems);
        if (dashboard.path("panels").isArray() && dashboard.path("panels").isEmpty()) {
            problems.add("dashboard: no panels");
        }
        panelChecks(panels(dashboard), problems);
        return problems;
    }

    private static void templating(JsonNode variables, List<String> problems) {
        JsonNode datasource = variable(variables, "datasource");
        if (datasource == null) {
            problems.add("templating: no variable named \"datasource\"");
        } else {
            if (!"datasource".equals(datasource.path("type").asText())) {
                problems.add("templating: variable datasource must have type \"datasource\", has " + datasource.path("type"));
            }
            if (!"prometheus".equals(datasource.path("query").asText())) {
                problems.add("templating: variable datasource must have query \"prometheus\", has " + datasource.path("query"));
            }
        }
        JsonNode network = variable(variables, "network");
        if (network == null) {
            problems.add("templating: no variable named \"network\"");
        } else {
            if (!"query".equals(network.path("type").asText())) {
                problems.add("templating: variable network must have type \"query\", has " + network.path("type"));
            }
            JsonNode query = network.path("query");
            String text = query.isObject() ? query.path("query").asText() : query.asText();
            if (!text.replace(" ", "").equals("label_values(vswitch_frames_received_total,network)")) {
                problems.add("templating: variable network must query label_values(vswitch_frames_received_total, network), queries \"" + text + "\"");
            }
            if (!network.path("multi").asBoolean(false) || !network.path("includeAll").asBoolean(false)) {
                problems.add("templating: variable network must be multi-value and include All");
            }
            if (!datasourceVariableRef().equals(network.path("datasource"))) {
                problems.add("templating: variable network must use the datasource variable, uses " + network.path("datasource"));
            }
        }
    }

    private static JsonNode variable(JsonNode variables, String name) {
        for (JsonNode variable : variables) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        return null;
    }

    private static void panelChecks(List<JsonNode> panels, List<String> problems) {
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (JsonNode panel : panels) {
            String name = "panel " + panel.path("id") + " \"" + panel.path("title").asText() + "\"";
            JsonNode id = panel.get("id");
            if (id == null || !id.isInt()) {
                problems.add(name + ": id must be an integer");
            } else if (!ids.add(id.asInt())) {
                problems.add(name + ": id " + id.asInt() + " is used by another panel");
            }
            String type = panel.path("type").asText();
            if (!PANEL_TYPES.contains(type)) {
                problems.add(name + ": type \"" + type + "\" is not one of " + PANEL_TYPES);
            }
            if (!panel.path("title").isTextual() || panel.path("title").asText().isBlank()) {
                problems.add(name + ": no title");
            }
            int[] box = gridPos(panel.path("gridPos"), name, problems);
            if (box != null) {
                for (int i = 0; i < boxes.size(); i++) {
                    if (overlap(box, boxes.get(i))) {
                        problems.add(name + ": gridPos overlaps " + names.get(i));
                    }
                }
                boxes.add(box);
                names.add(name);
            }
            if (!datasourceVariableRef().equals(panel.path("datasource"))) {
                problems.add(name + ": datasource must be " + datasourceVariableRef() + ", is " + panel.path("datasource"));
            }
            if ("row".equals(type)) {
                if (box != null && (box[0] != 0 || box[2] != GRID_COLUMNS || box[3] != 1)) {
                    problems.add(name + ": a row must be at x 0, 24 wide and 1 high");
                }
                continue; // a row only groups panels: no queries
            }
            JsonNode targets = panel.path("targets");
            if (!targets.isArray() || targets.isEmpty()) {
                problems.add(name + ": no targets");
                continue;
            }
            Set<String> refIds = new HashSet<>();
            for (JsonNode target : targets) {
                String refId = target.path("refId").asText();
                if (!target.path("refId").isTextual() || refId.isBlank()) {
                    problems.add(name + ": a target has no refId");
                } else if (!refIds.add(refId)) {
                    problems.add(name + ": refId " + refId + " is used twice");
                }
                if (!target.path("expr").isTextual() || target.path("expr").asText().isBlank()) {
                    problems.add(name + ": target " + refId + " has no expr");
                }
                if (!datasourceVariableRef().equals(target.path("datasource"))) {
                    problems.add(name + ": target " + refId + " datasource must be " + datasourceVariableRef()
                            + ", is " + target.path("datasource"));
                }
            }
        }
    }

    /** {x, y, w, h}, or null (with a problem) if gridPos is not four non-negative integers within the grid. */
    private static int[] gridPos(JsonNode gridPos, String name, List<String> problems) {
        if (!gridPos.isObject()) {
            problems.add(name + ": no gridPos");
            return null;
        }
        int[] box = new int[4];
        String[] keys = {"x", "y", "w", "h"};
        for (int i = 0; i < keys.length; i++) {
            JsonNode value = gridPos.get(keys[i]);
            if (value == null || !value.isInt() || value.asInt() < (i < 2 ? 0 : 1)) {
                problems.add(name + ": gridPos." + keys[i] + " must be an integer " + (i < 2 ? ">= 0" : ">= 1") + ", is " + value);
                return null;
            }
            box[i] = value.asInt();
        }
        if (box[0] + box[2] > GRID_COLUMNS) {
            problems.add(name + ": gridPos x " + box[0] + " + w " + box[2] + " exceeds the " + GRID_COLUMNS + " columns");
        }
        return box;
    }

    private static boolean overlap(int[] a, int[] b) {
        return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
    }

    private static void requireText(JsonNode node, String field, String where, List<String> problems) {
        if (!node.path(field).isTextual() || node.path(field).asText().isBlank()) {
            problems.add(where + ": " + field + " must be a non-empty string, is " + node.get(field));
        }
    }

    private static void requireType(JsonNode node, String field, java.util.function.Predicate<JsonNode> test,
                                    String what, String where, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null || !test.test(value)) {
            problems.add(where + ": " + field + " must be " + what + ", is " + value);
        }
    }
}
