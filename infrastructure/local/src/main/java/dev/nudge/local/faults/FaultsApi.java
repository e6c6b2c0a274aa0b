package dev.nudge.local.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.Json;
import dev.nudge.local.web.Reply;
import dev.nudge.local.web.Request;
import java.util.List;

/**
 * {@code /_local/faults}: POST a fault (or an array of faults) to add it, GET the active faults
 * with what remains of their counts, DELETE to clear them all, DELETE {@code /_local/faults/<id>}
 * to remove one. A bad body is refused with 400 and the field named in {@code field}.
 */
public final class FaultsApi {
  public static final String PATH = "/_local/faults";
  private static final String JSON = "application/json";

  private FaultsApi() {}

  public static boolean handles(String path) {
    return path.equals(PATH) || path.startsWith(PATH + "/");
  }

  public static Reply handle(Faults faults, Request request) {
    String path = request.path();
    String method = request.method();
    if (path.equals(PATH) || path.equals(PATH + "/")) {
      switch (method) {
        case "GET":
          return Reply.json(200, faults.toJson(), JSON);
        case "DELETE":
          return Reply.json(200, Json.object().put("cleared", faults.clear()), JSON);
        case "POST":
          return add(faults, request);
        default:
          return Reply.json(405, Json.object().put("message", method + " " + PATH + ": use GET, POST or DELETE"), JSON)
              .with("allow", "GET, POST, DELETE");
      }
    }
    String id = path.substring(PATH.length() + 1);
    if (method.equals("DELETE")) {
      return faults.remove(id) ? Reply.json(200, Json.object().put("removed", id), JSON)
          : Reply.json(404, Json.object().put("message", "no active fault " + id), JSON);
    }
    return Reply.json(405, Json.object().put("message", method + " " + path + ": use DELETE"), JSON)
        .with("allow", "DELETE");
  }

  private static Reply add(Faults faults, Request request) {
    JsonNode body;
    try {
      body = Json.MAPPER.readTree(request.body());
    } catch (java.io.IOException e) {
      return invalid("body", "is not JSON: " + e.getMessage().split("\n")[0]);
    }
    if (body == null || body.isMissingNode()) {
      return invalid("body", "is empty: send a fault as a JSON object");
    }
    try {
      List<Fault> added = faults.addAll(body);
      if (body.isArray()) {
        ArrayNode list = Json.array();
        added.forEach(f -> list.add(f.toJson()));
        return Reply.json(201, Json.object().set("faults", list), JSON);
      }
      return Reply.json(201, added.get(0).toJson(), JSON);
    } catch (Faults.InvalidFault e) {
      return invalid(e.field(), e.getMessage());
    }
  }

  private static Reply invalid(String field, String message) {
    ObjectNode error = Json.object().put("message", message.startsWith(field + ":") ? message : field + ": " + message)
        .put("field", field);
    return Reply.json(400, error, JSON);
  }
}
