package dev.nudge.local.states.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.InvalidPathException;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.PathNotFoundException;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JSONPath as the Amazon States Language uses it. AWS documents that paths "follow JsonPath
 * syntax" (the Jayway implementation, whose error text AWS's causes repeat verbatim, e.g.
 * "No results for path: $['foo']"), so reading is delegated to Jayway over Jackson nodes.
 * Reference paths are parsed here because writing (ResultPath) is not something Jayway does
 * with ASL's "create intervening objects" rule.
 */
public final class JsonPaths {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private static final Configuration JAYWAY = Configuration.builder()
      .jsonProvider(new JacksonJsonNodeJsonProvider(MAPPER))
      .mappingProvider(new JacksonMappingProvider(MAPPER))
      .build();

  private static final int CACHE_LIMIT = 4096;
  private static final Map<String, JsonPath> COMPILED = new ConcurrentHashMap<>();

  private JsonPaths() {}

  /**
   * Reads {@code path} from {@code input}, or from {@code context} when it starts with {@code $$}.
   * A definite path returns the node it selects; an indefinite one (wildcards, slices, filters)
   * returns an array of the matches.
   *
   * @throws StatesException States.Runtime when the path selects nothing
   */
  public static JsonNode read(String path, JsonNode input, JsonNode context) {
    if (path == null) {
      throw new IllegalArgumentException("path is null");
    }
    JsonNode target = input;
    String own = path;
    if (path.startsWith("$$")) {
      target = context;
      own = path.substring(1);
    }
    if (target == null) {
      target = NullNode.getInstance();
    }
    if (own.equals("$")) {
      return target;
    }
    JsonNode direct = walk(own, target);
    if (direct != null) {
      return direct;
    }
    JsonPath compiled;
    try {
      compiled = compile(own);
    } catch (InvalidPathException e) {
      throw new StatesException(StatesException.RUNTIME, "Invalid path '" + path + "' : " + e.getMessage());
    }
    Object found;
    try {
      found = compiled.read(target, JAYWAY);
    } catch (PathNotFoundException e) {
      throw new StatesException(StatesException.RUNTIME, "Invalid path '" + path + "' : " + e.getMessage());
    } catch (RuntimeException e) {
      // Jayway reports type trouble inside filters and functions with assorted exceptions.
      throw new StatesException(StatesException.RUNTIME, "Invalid path '" + path + "' : " + e.getMessage());
    }
    return toNode(found);
  }

  /**
   * Whether a path can be read without failing. Used by IsPresent, which must not raise
   * States.Runtime for an absent variable.
   */
  static boolean isPresent(String path, JsonNode input, JsonNode context) {
    try {
      read(path, input, context);
      return true;
    } catch (StatesException e) {
      return false;
    }
  }

  /**
   * Whether {@code path} is a reference path: "$" (or "$$") followed only by ".name",
   * "['name']" and "[index]" steps, so that it identifies a single node. The ASL forbids
   * {@code @ .. , : ? *} and functions such as length() in reference paths.
   */
  public static boolean isDefinite(String path) {
    return parseReference(path) != null;
  }

  /** Whether {@code path} is a path Jayway accepts (any JSONPath starting with $ or $$). */
  static boolean isValidPath(String path) {
    if (path == null || !path.startsWith("$")) {
      return false;
    }
    String own = path.startsWith("$$") ? path.substring(1) : path;
    if (own.equals("$")) {
      return true;
    }
    if (!bracketsBalance(own)) {
      return false; // Jayway reads "$.a[" as a property named "a[", which is never what was meant
    }
    try {
      compile(own);
      return true;
    } catch (InvalidPathException e) {
      return false;
    }
  }

  private static boolean bracketsBalance(String path) {
    int depth = 0;
    char quote = 0;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (quote != 0) {
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[' || c == '(') {
        depth++;
      } else if (c == ']' || c == ')') {
        if (--depth < 0) {
          return false;
        }
      }
    }
    return depth == 0 && quote == 0;
  }

  /**
   * Combines a state's input and its result as ResultPath says (ASL specification,
   * "ResultPath"): "$" replaces the input, a path overwrites or adds the addressed field,
   * creating intervening objects as necessary, and null discards the result.
   *
   * @param resultPath null means "$" (the result replaces the input)
   * @param discard true for {@code "ResultPath": null} (the input passes through)
   * @throws StatesException States.ResultPathMatchFailure when the path cannot be written
   */
  public static JsonNode applyResultPath(String resultPath, JsonNode input, JsonNode result, boolean discard) {
    if (discard) {
      return input;
    }
    if (resultPath == null || resultPath.equals("$")) {
      return result;
    }
    List<Step> steps = parseReference(resultPath);
    if (steps == null || resultPath.startsWith("$$")) {
      throw new StatesException(StatesException.RUNTIME,
          "Invalid ResultPath '" + resultPath + "': it must be a reference path");
    }
    JsonNode copy = input == null ? NullNode.getInstance() : input.deepCopy();
    JsonNode current = copy;
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      boolean last = i == steps.size() - 1;
      if (step.name() != null) {
        if (!(current instanceof ObjectNode object)) {
          throw resultPathMismatch(step, input);
        }
        if (last) {
          object.set(step.name(), result);
        } else {
          JsonNode child = object.get(step.name());
          current = child == null ? object.putObject(step.name()) : child;
        }
      } else {
        if (!(current instanceof ArrayNode array)) {
          throw resultPathMismatch(step, input);
        }
        int index = step.index() < 0 ? array.size() + step.index() : step.index();
        if (index < 0 || index >= array.size()) {
          throw resultPathMismatch(step, input);
        }
        if (last) {
          array.set(index, result);
        } else {
          current = array.get(index);
        }
      }
    }
    return copy;
  }

  /**
   * The error name is the one the ASL specification and AWS's error list give for a ResultPath
   * that cannot be applied; the cause is worded as AWS words it in execution histories
   * ("Unable to apply step "objects" to input {...}").
   */
  private static StatesException resultPathMismatch(Step step, JsonNode input) {
    String name = step.name() != null ? step.name() : String.valueOf(step.index());
    return new StatesException(StatesException.RESULT_PATH_MATCH_FAILURE,
        "Unable to apply step \"" + name + "\" to input " + input);
  }

  /** One step of a reference path: a field name, or (name == null) an array index. */
  record Step(String name, int index) {}

  /** Parses a reference path into steps, or returns null if it is not one. */
  static List<Step> parseReference(String path) {
    if (path == null || !path.startsWith("$")) {
      return null;
    }
    int i = path.startsWith("$$") ? 2 : 1;
    List<Step> steps = new ArrayList<>();
    int n = path.length();
    while (i < n) {
      char c = path.charAt(i);
      if (c == '.') {
        int start = ++i;
        while (i < n && path.charAt(i) != '.' && path.charAt(i) != '[') {
          char d = path.charAt(i);
          if ("@,:?*()'\" ".indexOf(d) >= 0) {
            return null;
          }
          i++;
        }
        if (i == start) {
          return null; // ".." or a trailing dot
        }
        steps.add(new Step(path.substring(start, i), 0));
      } else if (c == '[') {
        i++;
        if (i >= n) {
          return null;
        }
        char q = path.charAt(i);
        if (q == '\'' || q == '"') {
          StringBuilder name = new StringBuilder();
          i++;
          boolean closed = false;
          while (i < n) {
            char d = path.charAt(i);
            if (d == '\\' && i + 1 < n) {
              name.append(path.charAt(i + 1));
              i += 2;
            } else if (d == q) {
              closed = true;
              i++;
              break;
            } else {
              name.append(d);
              i++;
            }
          }
          if (!closed || i >= n || path.charAt(i) != ']') {
            return null;
          }
          i++;
          steps.add(new Step(name.toString(), 0));
        } else {
          int start = i;
          if (i < n && path.charAt(i) == '-') {
            i++;
          }
          while (i < n && Character.isDigit(path.charAt(i))) {
            i++;
          }
          if (i == start || i >= n || path.charAt(i) != ']' || path.substring(start, i).equals("-")) {
            return null;
          }
          int index;
          try {
            index = Integer.parseInt(path.substring(start, i));
          } catch (NumberFormatException e) {
            return null;
          }
          i++;
          steps.add(new Step(null, index));
        }
      } else {
        return null;
      }
    }
    return steps;
  }

  private static final List<Step> NOT_A_REFERENCE = List.of();
  private static final Map<String, List<Step>> REFERENCES = new ConcurrentHashMap<>();

  /**
   * The fast path: a reference path whose every step exists is walked directly (Jayway costs
   * microseconds per read). Anything else returns null and is left to Jayway, so misses keep
   * Jayway's results and error texts.
   */
  private static JsonNode walk(String path, JsonNode target) {
    List<Step> steps = REFERENCES.get(path);
    if (steps == null) {
      List<Step> parsed = parseReference(path);
      steps = parsed == null || parsed.isEmpty() ? NOT_A_REFERENCE : List.copyOf(parsed);
      if (REFERENCES.size() >= CACHE_LIMIT) {
        REFERENCES.clear();
      }
      REFERENCES.put(path, steps);
    }
    if (steps == NOT_A_REFERENCE) {
      return null;
    }
    JsonNode current = target;
    for (Step step : steps) {
      if (step.name() != null) {
        if (!current.isObject()) {
          return null;
        }
        current = current.get(step.name());
      } else {
        if (!current.isArray()) {
          return null;
        }
        int index = step.index() < 0 ? current.size() + step.index() : step.index();
        current = index >= 0 && index < current.size() ? current.get(index) : null;
      }
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  private static JsonPath compile(String path) {
    JsonPath cached = COMPILED.get(path);
    if (cached != null) {
      return cached;
    }
    JsonPath compiled = JsonPath.compile(path);
    if (COMPILED.size() >= CACHE_LIMIT) {
      COMPILED.clear();
    }
    COMPILED.put(path, compiled);
    return compiled;
  }

  static JsonNode toNode(Object value) {
    if (value == null) {
      return NullNode.getInstance();
    }
    if (value instanceof JsonNode node) {
      return node;
    }
    return MAPPER.valueToTree(value);
  }
}
