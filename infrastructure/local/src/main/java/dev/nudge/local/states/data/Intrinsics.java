package dev.nudge.local.states.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.StringTokenizer;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The intrinsic functions of the Amazon States Language (developer guide, "Intrinsic functions
 * for JSONPath states"). The call syntax (quoted literals with \' \{ \} \\ escapes, paths,
 * nested calls) is ASL's own, so there is no library for it: the small parser below is hand-written.
 */
public final class Intrinsics {

  /** AWS allows up to 10 nested intrinsic functions within a field. */
  static final int MAX_NESTING = 10;
  /** Base64Encode, Base64Decode and Hash accept at most 10,000 characters. */
  static final int MAX_STRING_ARGUMENT = 10_000;
  /** ArrayRange produces at most 1,000 items. */
  static final int MAX_RANGE_ITEMS = 1000;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Map<String, Call> PARSED = new ConcurrentHashMap<>();

  /** Argument count limits per function; max -1 means unbounded. */
  record Arity(int min, int max) {}

  static final Map<String, Arity> FUNCTIONS = Map.ofEntries(
      Map.entry("States.Format", new Arity(1, -1)),
      Map.entry("States.StringToJson", new Arity(1, 1)),
      Map.entry("States.JsonToString", new Arity(1, 1)),
      Map.entry("States.Array", new Arity(0, -1)),
      Map.entry("States.ArrayPartition", new Arity(2, 2)),
      Map.entry("States.ArrayContains", new Arity(2, 2)),
      Map.entry("States.ArrayRange", new Arity(3, 3)),
      Map.entry("States.ArrayGetItem", new Arity(2, 2)),
      Map.entry("States.ArrayLength", new Arity(1, 1)),
      Map.entry("States.ArrayUnique", new Arity(1, 1)),
      Map.entry("States.Base64Encode", new Arity(1, 1)),
      Map.entry("States.Base64Decode", new Arity(1, 1)),
      Map.entry("States.Hash", new Arity(2, 2)),
      Map.entry("States.JsonMerge", new Arity(3, 3)),
      Map.entry("States.MathRandom", new Arity(2, 3)),
      Map.entry("States.MathAdd", new Arity(2, 2)),
      Map.entry("States.StringSplit", new Arity(2, 2)),
      Map.entry("States.UUID", new Arity(0, 0)));

  private Intrinsics() {}

  /**
   * Evaluates one intrinsic function call, e.g. {@code States.Format('Hi {}', $.name)}.
   *
   * @throws StatesException States.IntrinsicFailure when the call is malformed or its arguments
   *     are invalid; States.Runtime when a path argument selects nothing
   */
  public static JsonNode call(String expression, JsonNode input, JsonNode context) {
    Call call;
    try {
      call = parseCached(expression);
    } catch (SyntaxException e) {
      throw failure("Invalid intrinsic function call '" + expression + "': " + e.getMessage());
    }
    return evaluate(call, input, context);
  }

  /** Whether a ".$" value is meant as an intrinsic function call rather than a path. */
  static boolean looksLikeCall(String value) {
    return value.startsWith("States.");
  }

  /** Static problems of a call: syntax, unknown functions, argument counts, nesting depth. */
  static List<String> problems(String expression) {
    List<String> problems = new ArrayList<>();
    Call call;
    try {
      call = parse(expression);
    } catch (SyntaxException e) {
      problems.add(e.getMessage());
      return problems;
    }
    check(call, 1, problems);
    return problems;
  }

  private static void check(Call call, int depth, List<String> problems) {
    if (depth > MAX_NESTING) {
      problems.add("more than " + MAX_NESTING + " nested intrinsic functions");
      return;
    }
    Arity arity = FUNCTIONS.get(call.name());
    if (arity == null) {
      problems.add("unsupported intrinsic function '" + call.name() + "'");
    } else {
      int n = call.args().size();
      if (n < arity.min() || (arity.max() >= 0 && n > arity.max())) {
        problems.add(call.name() + " takes " + describe(arity) + " but was given " + n);
      }
    }
    if (call.name().equals("States.JsonToString") && call.args().size() == 1
        && !(call.args().get(0) instanceof PathArg)) {
      problems.add("the argument of States.JsonToString must be a path");
    }
    if (call.name().equals("States.Format") && !call.args().isEmpty()) {
      Arg template = call.args().get(0);
      if (template instanceof Literal || (template instanceof Call inner && !returnsStringOrUnknown(inner.name()))) {
        problems.add("the first argument of States.Format must be a string");
      } else if (template instanceof StringLiteral literal) {
        int placeholders = placeholders(literal);
        if (placeholders != call.args().size() - 1) {
          problems.add("States.Format has " + placeholders + " placeholder(s) but "
              + (call.args().size() - 1) + " value argument(s)");
        }
      }
    }
    checkLiteralTypes(call, problems);
    for (Arg arg : call.args()) {
      if (arg instanceof Call inner) {
        check(inner, depth + 1, problems);
      } else if (arg instanceof PathArg path && !JsonPaths.isValidPath(path.path())) {
        problems.add("invalid path '" + path.path() + "' in " + call.name());
      }
    }
  }

  /** What each argument position must hold, where AWS says: a = array, s = string, n = number, f = false. */
  private static final Map<String, String> LITERAL_KINDS = Map.ofEntries(
      Map.entry("States.StringToJson", "s"),
      Map.entry("States.ArrayPartition", "an"),
      Map.entry("States.ArrayContains", "a?"),
      Map.entry("States.ArrayRange", "nnn"),
      Map.entry("States.ArrayGetItem", "an"),
      Map.entry("States.ArrayLength", "a"),
      Map.entry("States.ArrayUnique", "a"),
      Map.entry("States.Base64Encode", "s"),
      Map.entry("States.Base64Decode", "s"),
      Map.entry("States.Hash", "ss"),
      Map.entry("States.JsonMerge", "oof"),
      Map.entry("States.MathRandom", "nnn"),
      Map.entry("States.MathAdd", "nn"),
      Map.entry("States.StringSplit", "ss"));

  /**
   * Literal arguments whose type can never be right are reported at creation time; values from
   * paths and nested calls are checked when the function runs.
   */
  private static void checkLiteralTypes(Call call, List<String> problems) {
    String kinds = LITERAL_KINDS.get(call.name());
    if (kinds == null) {
      return;
    }
    for (int i = 0; i < Math.min(kinds.length(), call.args().size()); i++) {
      Arg arg = call.args().get(i);
      JsonNode literal = arg instanceof StringLiteral s ? TextNode.valueOf(s.value())
          : arg instanceof Literal l ? l.value() : null;
      if (literal == null) {
        continue;
      }
      String wrong = switch (kinds.charAt(i)) {
        case 'a' -> "an array";
        case 'o' -> "a JSON object";
        case 's' -> literal.isTextual() ? null : "a string";
        case 'n' -> literal.isNumber() ? null : "a number";
        case 'f' -> literal.isBoolean() && !literal.booleanValue() ? null : "false (only shallow merging is supported)";
        default -> null;
      };
      if (wrong != null) {
        problems.add(ordinal(i) + " argument of " + call.name() + " must be " + wrong + " but was " + literal);
      }
    }
    if (call.name().equals("States.Hash") && call.args().size() == 2
        && call.args().get(1) instanceof StringLiteral algorithm && !HASH_ALGORITHMS.contains(algorithm.value())) {
      problems.add("the hash algorithm '" + algorithm.value() + "' is not supported by States.Hash;"
          + " use MD5, SHA-1, SHA-256, SHA-384 or SHA-512");
    }
  }

  private static final List<String> HASH_ALGORITHMS = List.of("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512");

  private static boolean returnsStringOrUnknown(String name) {
    return switch (name) {
      case "States.JsonToString", "States.ArrayGetItem", "States.Base64Encode", "States.Base64Decode",
          "States.Hash", "States.UUID", "States.Format" -> true;
      default -> !FUNCTIONS.containsKey(name);
    };
  }

  private static String describe(Arity arity) {
    if (arity.max() < 0) {
      return "at least " + arity.min() + " argument(s)";
    }
    if (arity.min() == arity.max()) {
      return arity.min() + " argument(s)";
    }
    return arity.min() + " to " + arity.max() + " arguments";
  }

  // ---------------------------------------------------------------- syntax

  sealed interface Arg permits StringLiteral, Literal, PathArg, Call {}

  /** A quoted string; {@code escaped} marks characters written with a backslash (for Format's {}). */
  record StringLiteral(String value, BitSet escaped) implements Arg {}

  /** A number, true, false or null. */
  record Literal(JsonNode value) implements Arg {}

  record PathArg(String path) implements Arg {}

  record Call(String name, List<Arg> args) implements Arg {}

  static final class SyntaxException extends Exception {
    SyntaxException(String message) {
      super(message);
    }
  }

  private static Call parseCached(String expression) throws SyntaxException {
    Call cached = PARSED.get(expression);
    if (cached != null) {
      return cached;
    }
    Call call = parse(expression);
    if (PARSED.size() > 4096) {
      PARSED.clear();
    }
    PARSED.put(expression, call);
    return call;
  }

  static Call parse(String expression) throws SyntaxException {
    if (expression == null) {
      throw new SyntaxException("no expression");
    }
    Parser parser = new Parser(expression);
    parser.skipSpace();
    Call call = parser.call();
    parser.skipSpace();
    if (!parser.atEnd()) {
      throw new SyntaxException("unexpected '" + expression.substring(parser.pos) + "' after the call");
    }
    return call;
  }

  private static final class Parser {
    final String text;
    int pos;

    Parser(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return pos >= text.length();
    }

    char peek() {
      return text.charAt(pos);
    }

    void skipSpace() {
      while (!atEnd() && Character.isWhitespace(peek())) {
        pos++;
      }
    }

    Call call() throws SyntaxException {
      int start = pos;
      while (!atEnd() && (Character.isLetterOrDigit(peek()) || peek() == '.')) {
        pos++;
      }
      String name = text.substring(start, pos);
      if (!name.startsWith("States.") || name.length() == "States.".length()) {
        throw new SyntaxException("expected an intrinsic function name like States.Format at position " + start);
      }
      skipSpace();
      if (atEnd() || peek() != '(') {
        throw new SyntaxException("expected '(' after " + name);
      }
      pos++;
      List<Arg> args = new ArrayList<>();
      skipSpace();
      if (!atEnd() && peek() == ')') {
        pos++;
        return new Call(name, List.copyOf(args));
      }
      while (true) {
        skipSpace();
        args.add(argument());
        skipSpace();
        if (atEnd()) {
          throw new SyntaxException("missing ')' to close " + name);
        }
        char c = peek();
        pos++;
        if (c == ')') {
          return new Call(name, List.copyOf(args));
        }
        if (c != ',') {
          throw new SyntaxException("expected ',' or ')' in the arguments of " + name + " at position " + (pos - 1));
        }
      }
    }

    Arg argument() throws SyntaxException {
      if (atEnd()) {
        throw new SyntaxException("missing argument at the end");
      }
      char c = peek();
      if (c == '\'') {
        return string();
      }
      if (c == '$') {
        return path();
      }
      if (c == '-' || Character.isDigit(c)) {
        return number();
      }
      if (text.startsWith("States.", pos)) {
        return call();
      }
      for (String word : new String[] {"true", "false", "null"}) {
        if (text.startsWith(word, pos) && isArgumentEnd(pos + word.length())) {
          pos += word.length();
          return new Literal(switch (word) {
            case "true" -> BooleanNode.TRUE;
            case "false" -> BooleanNode.FALSE;
            default -> NullNode.getInstance();
          });
        }
      }
      throw new SyntaxException("unexpected '" + c + "' at position " + pos);
    }

    private boolean isArgumentEnd(int at) {
      int i = at;
      while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
        i++;
      }
      return i >= text.length() || text.charAt(i) == ',' || text.charAt(i) == ')';
    }

    StringLiteral string() throws SyntaxException {
      int start = pos;
      pos++;
      StringBuilder value = new StringBuilder();
      BitSet escaped = new BitSet();
      while (!atEnd()) {
        char c = peek();
        if (c == '\\') {
          if (pos + 1 >= text.length()) {
            throw new SyntaxException("open escape '\\' at position " + pos);
          }
          char next = text.charAt(pos + 1);
          if (next != '\'' && next != '{' && next != '}' && next != '\\') {
            // Developer guide: "If an open escape backslash \ is found in the intrinsic invocation
            // string, the interpreter will throw a runtime error."
            throw new SyntaxException("open escape '\\" + next + "' at position " + pos
                + " (only \\', \\{, \\} and \\\\ are escapes)");
          }
          escaped.set(value.length());
          value.append(next);
          pos += 2;
        } else if (c == '\'') {
          pos++;
          return new StringLiteral(value.toString(), escaped);
        } else {
          value.append(c);
          pos++;
        }
      }
      throw new SyntaxException("unterminated string starting at position " + start);
    }

    PathArg path() throws SyntaxException {
      int start = pos;
      int depth = 0;
      char quote = 0;
      while (!atEnd()) {
        char c = peek();
        if (quote != 0) {
          if (c == '\\') {
            pos++;
          } else if (c == quote) {
            quote = 0;
          }
        } else if (c == '\'' || c == '"') {
          quote = c;
        } else if (c == '[' || c == '(') {
          depth++;
        } else if (c == ']' || c == ')') {
          if (depth == 0) {
            break;
          }
          depth--;
        } else if (c == ',' && depth == 0) {
          break;
        }
        pos++;
      }
      String path = text.substring(start, Math.min(pos, text.length())).trim();
      if (quote != 0 || depth != 0) {
        throw new SyntaxException("unterminated path '" + path + "'");
      }
      return new PathArg(path);
    }

    Literal number() throws SyntaxException {
      int start = pos;
      if (peek() == '-') {
        pos++;
      }
      while (!atEnd() && (Character.isDigit(peek()) || ".eE+-".indexOf(peek()) >= 0)) {
        pos++;
      }
      String number = text.substring(start, pos);
      try {
        JsonNode node = JsonPaths.MAPPER.readTree(number);
        if (node == null || !node.isNumber()) {
          throw new SyntaxException("invalid number '" + number + "'");
        }
        return new Literal(node);
      } catch (JsonProcessingException e) {
        throw new SyntaxException("invalid number '" + number + "'");
      }
    }
  }

  // ---------------------------------------------------------------- evaluation

  private static JsonNode evaluate(Call call, JsonNode input, JsonNode context) {
    Arity arity = FUNCTIONS.get(call.name());
    if (arity == null) {
      throw failure("The intrinsic function " + call.name() + " is not supported");
    }
    int n = call.args().size();
    if (n < arity.min() || (arity.max() >= 0 && n > arity.max())) {
      throw failure(call.name() + " takes " + describe(arity) + " but was given " + n);
    }
    if (call.name().equals("States.Format")) {
      return format(call, input, context);
    }
    List<JsonNode> args = new ArrayList<>(n);
    for (Arg arg : call.args()) {
      args.add(value(arg, input, context));
    }
    String name = call.name();
    return switch (name) {
      case "States.StringToJson" -> stringToJson(name, args);
      case "States.JsonToString" -> TextNode.valueOf(args.get(0).toString());
      case "States.Array" -> NODES.arrayNode().addAll(args);
      case "States.ArrayPartition" -> arrayPartition(name, args);
      case "States.ArrayContains" -> BooleanNode.valueOf(contains(array(name, args, 0), args.get(1)));
      case "States.ArrayRange" -> arrayRange(name, args);
      case "States.ArrayGetItem" -> arrayGetItem(name, args);
      case "States.ArrayLength" -> NODES.numberNode(array(name, args, 0).size());
      case "States.ArrayUnique" -> arrayUnique(name, args);
      case "States.Base64Encode" -> base64Encode(name, args);
      case "States.Base64Decode" -> base64Decode(name, args);
      case "States.Hash" -> hash(name, args);
      case "States.JsonMerge" -> jsonMerge(name, args);
      case "States.MathRandom" -> mathRandom(name, args);
      case "States.MathAdd" -> mathAdd(name, args);
      case "States.StringSplit" -> stringSplit(name, args);
      case "States.UUID" -> TextNode.valueOf(UUID.randomUUID().toString());
      default -> throw failure("The intrinsic function " + name + " is not supported");
    };
  }

  private static JsonNode value(Arg arg, JsonNode input, JsonNode context) {
    if (arg instanceof StringLiteral s) {
      return TextNode.valueOf(s.value());
    }
    if (arg instanceof Literal l) {
      return l.value();
    }
    if (arg instanceof PathArg p) {
      return JsonPaths.read(p.path(), input, context);
    }
    return evaluate((Call) arg, input, context);
  }

  private static JsonNode format(Call call, JsonNode input, JsonNode context) {
    Arg first = call.args().get(0);
    String template;
    BitSet escaped;
    if (first instanceof StringLiteral literal) {
      template = literal.value();
      escaped = literal.escaped();
    } else {
      JsonNode value = value(first, input, context);
      if (!value.isTextual()) {
        throw failure("The first argument of States.Format must be a string but was " + kind(value));
      }
      template = value.textValue();
      escaped = new BitSet();
    }
    List<JsonNode> values = new ArrayList<>();
    for (Arg arg : call.args().subList(1, call.args().size())) {
      values.add(value(arg, input, context));
    }
    StringBuilder out = new StringBuilder();
    int used = 0;
    for (int i = 0; i < template.length(); i++) {
      char c = template.charAt(i);
      if (c == '{' && !escaped.get(i) && i + 1 < template.length() && template.charAt(i + 1) == '}'
          && !escaped.get(i + 1)) {
        if (used >= values.size()) {
          throw failure("States.Format has more {} placeholders than value arguments (" + values.size() + ")");
        }
        out.append(formatValue(values.get(used++)));
        i++;
      } else {
        out.append(c);
      }
    }
    if (used != values.size()) {
      throw failure("States.Format has " + used + " {} placeholder(s) but " + values.size() + " value argument(s)");
    }
    return TextNode.valueOf(out.toString());
  }

  private static int placeholders(StringLiteral literal) {
    String t = literal.value();
    int count = 0;
    for (int i = 0; i + 1 < t.length(); i++) {
      if (t.charAt(i) == '{' && t.charAt(i + 1) == '}' && !literal.escaped().get(i) && !literal.escaped().get(i + 1)) {
        count++;
        i++;
      }
    }
    return count;
  }

  /**
   * How Format renders a value: strings as themselves, scalars as JSON, and (as AWS does, being
   * Java underneath; observed in LocalStack's parity snapshots) objects as {k=v, ...} and arrays
   * as [a, b].
   */
  private static String formatValue(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isArray()) {
      List<String> parts = new ArrayList<>();
      value.forEach(v -> parts.add(formatValue(v)));
      return "[" + String.join(", ", parts) + "]";
    }
    if (value.isObject()) {
      List<String> parts = new ArrayList<>();
      value.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + formatValue(e.getValue())));
      return "{" + String.join(", ", parts) + "}";
    }
    return value.toString();
  }

  private static JsonNode stringToJson(String name, List<JsonNode> args) {
    String text = string(name, args, 0);
    try {
      JsonNode parsed = JsonPaths.MAPPER.readTree(text);
      if (parsed == null || parsed.isMissingNode()) {
        throw failure("The argument of " + name + " is not valid JSON: '" + text + "'");
      }
      return parsed;
    } catch (JsonProcessingException e) {
      throw failure("The argument of " + name + " is not valid JSON: '" + text + "'");
    }
  }

  private static JsonNode arrayPartition(String name, List<JsonNode> args) {
    ArrayNode array = array(name, args, 0);
    long size = integer(name, args, 1);
    if (size <= 0) {
      throw failure("The chunk size of " + name + " must be a positive integer but was " + size);
    }
    ArrayNode chunks = NODES.arrayNode();
    ArrayNode chunk = null;
    for (JsonNode item : array) {
      if (chunk == null || chunk.size() == size) {
        chunk = chunks.addArray();
      }
      chunk.add(item);
    }
    return chunks;
  }

  private static JsonNode arrayRange(String name, List<JsonNode> args) {
    long start = integer(name, args, 0);
    long end = integer(name, args, 1);
    long step = integer(name, args, 2);
    if (step == 0) {
      throw failure("The step of " + name + " must not be 0");
    }
    long count = (end - start) / step + 1;
    if ((end - start) != 0 && Long.signum(end - start) != Long.signum(step)) {
      count = 0;
    }
    if (count > MAX_RANGE_ITEMS) {
      throw failure(name + " would produce " + count + " items; at most " + MAX_RANGE_ITEMS + " are allowed");
    }
    ArrayNode out = NODES.arrayNode();
    for (long i = 0; i < count; i++) {
      out.add(number(start + i * step));
    }
    return out;
  }

  private static JsonNode arrayGetItem(String name, List<JsonNode> args) {
    ArrayNode array = array(name, args, 0);
    long index = integer(name, args, 1);
    if (index < 0 || index >= array.size()) {
      throw failure("The index " + index + " is out of bounds for " + name + " on an array of length " + array.size());
    }
    return array.get((int) index);
  }

  private static JsonNode arrayUnique(String name, List<JsonNode> args) {
    ArrayNode array = array(name, args, 0);
    Map<String, JsonNode> seen = new LinkedHashMap<>();
    for (JsonNode item : array) {
      seen.putIfAbsent(canonical(item), item);
    }
    return NODES.arrayNode().addAll(seen.values());
  }

  private static boolean contains(ArrayNode array, JsonNode wanted) {
    String key = canonical(wanted);
    for (JsonNode item : array) {
      if (canonical(item).equals(key)) {
        return true;
      }
    }
    return false;
  }

  /** A text form equal for equal JSON values (1 and 1.0 are the same number). */
  static String canonical(JsonNode node) {
    if (node.isNumber()) {
      BigDecimal d = node.decimalValue().stripTrailingZeros();
      return d.signum() == 0 ? "0" : d.toPlainString();
    }
    if (node.isArray()) {
      StringBuilder b = new StringBuilder("[");
      node.forEach(v -> b.append(canonical(v)).append(','));
      return b.append(']').toString();
    }
    if (node.isObject()) {
      Map<String, String> sorted = new java.util.TreeMap<>();
      node.fields().forEachRemaining(e -> sorted.put(e.getKey(), canonical(e.getValue())));
      StringBuilder b = new StringBuilder("{");
      sorted.forEach((k, v) -> b.append(TextNode.valueOf(k)).append(':').append(v).append(','));
      return b.append('}').toString();
    }
    return node.toString();
  }

  private static JsonNode base64Encode(String name, List<JsonNode> args) {
    String text = boundedString(name, args, 0);
    return TextNode.valueOf(Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static JsonNode base64Decode(String name, List<JsonNode> args) {
    String text = boundedString(name, args, 0);
    try {
      return TextNode.valueOf(new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw failure("The argument of " + name + " is not valid Base64: " + e.getMessage());
    }
  }

  private static JsonNode hash(String name, List<JsonNode> args) {
    String data = boundedString(name, args, 0);
    String algorithm = string(name, args, 1);
    if (!HASH_ALGORITHMS.contains(algorithm)) {
      throw failure("The hash algorithm '" + algorithm + "' is not supported by " + name
          + "; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512");
    }
    try {
      byte[] digest = MessageDigest.getInstance(algorithm).digest(data.getBytes(StandardCharsets.UTF_8));
      return TextNode.valueOf(HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides " + algorithm, e);
    }
  }

  private static JsonNode jsonMerge(String name, List<JsonNode> args) {
    JsonNode first = args.get(0);
    JsonNode second = args.get(1);
    JsonNode deep = args.get(2);
    if (!first.isObject() || !second.isObject()) {
      throw failure("The first two arguments of " + name + " must be JSON objects but were "
          + kind(first) + " and " + kind(second));
    }
    if (!deep.isBoolean()) {
      throw failure("The third argument of " + name + " must be a boolean but was " + kind(deep));
    }
    if (deep.booleanValue()) {
      // Developer guide: "Step Functions only supports the shallow merging mode".
      throw failure(name + " only supports shallow merging: the third argument must be false");
    }
    ObjectNode merged = first.deepCopy();
    Iterator<Map.Entry<String, JsonNode>> fields = second.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      merged.set(field.getKey(), field.getValue());
    }
    return merged;
  }

  private static JsonNode mathRandom(String name, List<JsonNode> args) {
    long start = rounded(name, args, 0);
    long end = rounded(name, args, 1);
    if (start >= end) {
      throw failure("The start of " + name + " (" + start + ") must be less than its end (" + end + ")");
    }
    Random random = args.size() == 3 ? new Random(rounded(name, args, 2)) : new Random();
    long span = end - start;
    long value = start + (long) Math.floor(random.nextDouble() * span);
    return number(value);
  }

  /** Integers as int nodes when they fit, as JSON input would be parsed. */
  static JsonNode number(long value) {
    return value == (int) value ? NODES.numberNode((int) value) : LongNode.valueOf(value);
  }

  private static JsonNode mathAdd(String name, List<JsonNode> args) {
    long a = rounded(name, args, 0);
    long b = rounded(name, args, 1);
    for (long v : new long[] {a, b}) {
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        throw failure("The arguments of " + name + " must be between -2147483648 and 2147483647 but one was " + v);
      }
    }
    return number(a + b);
  }

  private static JsonNode stringSplit(String name, List<JsonNode> args) {
    String text = string(name, args, 0);
    String delimiters = string(name, args, 1);
    ArrayNode out = NODES.arrayNode();
    // Each character of the second argument is a delimiter (developer guide's ".+,=" example).
    StringTokenizer tokens = new StringTokenizer(text, delimiters);
    while (tokens.hasMoreTokens()) {
      out.add(tokens.nextToken());
    }
    return out;
  }

  // ---------------------------------------------------------------- argument checks

  private static ArrayNode array(String name, List<JsonNode> args, int i) {
    JsonNode value = args.get(i);
    if (!value.isArray()) {
      throw failure(ordinal(i) + " argument of " + name + " must be an array but was " + kind(value));
    }
    return (ArrayNode) value;
  }

  private static String string(String name, List<JsonNode> args, int i) {
    JsonNode value = args.get(i);
    if (!value.isTextual()) {
      throw failure(ordinal(i) + " argument of " + name + " must be a string but was " + kind(value));
    }
    return value.textValue();
  }

  private static String boundedString(String name, List<JsonNode> args, int i) {
    String text = string(name, args, i);
    if (text.length() > MAX_STRING_ARGUMENT) {
      throw failure(ordinal(i) + " argument of " + name + " has " + text.length()
          + " characters; at most " + MAX_STRING_ARGUMENT + " are allowed");
    }
    return text;
  }

  /** An argument that must be an integer (ArrayRange, ArrayPartition, ArrayGetItem). */
  private static long integer(String name, List<JsonNode> args, int i) {
    JsonNode value = args.get(i);
    if (!value.isNumber()) {
      throw failure(ordinal(i) + " argument of " + name + " must be an integer but was " + kind(value));
    }
    BigDecimal d = value.decimalValue();
    if (d.stripTrailingZeros().scale() > 0) {
      throw failure(ordinal(i) + " argument of " + name + " must be an integer but was " + value);
    }
    try {
      return d.longValueExact();
    } catch (ArithmeticException e) {
      throw failure(ordinal(i) + " argument of " + name + " is too large: " + value);
    }
  }

  /**
   * A number argument that AWS rounds to the nearest integer (MathAdd, MathRandom: "If you
   * specify a non-integer value ... Step Functions rounds it off to the nearest integer").
   */
  private static long rounded(String name, List<JsonNode> args, int i) {
    JsonNode value = args.get(i);
    if (!value.isNumber()) {
      throw failure(ordinal(i) + " argument of " + name + " must be a number but was " + kind(value));
    }
    try {
      return value.decimalValue().setScale(0, RoundingMode.HALF_UP).longValueExact();
    } catch (ArithmeticException e) {
      throw failure(ordinal(i) + " argument of " + name + " is too large: " + value);
    }
  }

  private static String ordinal(int i) {
    return switch (i) {
      case 0 -> "The first";
      case 1 -> "The second";
      case 2 -> "The third";
      default -> "Argument " + (i + 1);
    };
  }

  static String kind(JsonNode value) {
    if (value == null || value.isNull()) {
      return "null";
    }
    if (value.isTextual()) {
      return "a string";
    }
    if (value.isNumber()) {
      return "a number";
    }
    if (value.isBoolean()) {
      return "a boolean";
    }
    if (value.isArray()) {
      return "an array";
    }
    return "an object";
  }

  private static StatesException failure(String cause) {
    return new StatesException(StatesException.INTRINSIC_FAILURE, cause);
  }
}
