package dev.nudge.local.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as the local server received it.
 *
 * @param headers lower-cased names, values in arrival order
 */
public record Request(
    String method, String path, String rawQuery, Map<String, List<String>> headers, byte[] body, String sourceIp) {

  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The service a SigV4 signature was made for ("dynamodb", "ses"...), or null if unsigned. */
  public String signedService() {
    String authorization = header("authorization");
    if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256")) {
      return null;
    }
    int credential = authorization.indexOf("Credential=");
    if (credential < 0) {
      return null;
    }
    String[] scope = authorization.substring(credential + 11).split("[,\\s]")[0].split("/");
    return scope.length >= 5 ? scope[3] : null;
  }

  /** The access key id of a SigV4 signature, or null. */
  public String accessKeyId() {
    String authorization = header("authorization");
    int credential = authorization == null ? -1 : authorization.indexOf("Credential=");
    return credential < 0 ? null : authorization.substring(credential + 11).split("/")[0];
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** application/x-www-form-urlencoded body (or query) as a map; the last value of a name wins. */
  public static Map<String, String> form(String encoded) {
    Map<String, String> values = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return values;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      values.put(name, value);
    }
    return values;
  }
}
