package dev.nudge.local.aws;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.local.EventLog;
import dev.nudge.local.Json;
import dev.nudge.local.web.Reply;
import dev.nudge.local.web.Request;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A minimal S3 for the local cloud: path-style REST ({@code /bucket/key}) with PutObject, GetObject,
 * HeadObject, DeleteObject, ListObjectsV2, HeadBucket and CreateBucket, objects in memory. The SDK's
 * streaming uploads (aws-chunked bodies with a trailing checksum, the default since SDK 2.30) are
 * decoded. A bucket's notifications deliver S3's own event JSON to their subscriber after each
 * PutObject, asynchronously as S3 invokes Lambda. Not emulated: versioning, multipart uploads,
 * ranges, ACLs, persistence across restarts (the import's objects are short-lived by design).
 */
public final class S3Service implements AutoCloseable {
  /** What a stored object holds. */
  public record StoredObject(byte[] body, String contentType, Map<String, String> metadata, String etag,
      Instant lastModified) {}

  /** A notification: ObjectCreated events for keys with {@code prefix} and {@code suffix}, to {@code target}. */
  public record Notification(String id, String bucket, String prefix, String suffix, Consumer<ObjectNode> target) {}

  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private final Map<String, NavigableMap<String, StoredObject>> buckets = new ConcurrentHashMap<>();
  private final List<Notification> notifications = new CopyOnWriteArrayList<>();
  private final Clock clock;
  private final EventLog log;
  private final String region;
  private final AtomicLong sequencer = new AtomicLong();
  private final ExecutorService deliveries = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "nudge-s3-events");
    thread.setDaemon(true);
    return thread;
  });

  public S3Service(Clock clock, EventLog log, String region) {
    this.clock = clock;
    this.log = log;
    this.region = region;
  }

  public void createBucket(String name) {
    buckets.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>());
  }

  public boolean hasBucket(String name) {
    return buckets.containsKey(name);
  }

  public void notify(Notification notification) {
    if (!hasBucket(notification.bucket())) {
      throw new IllegalArgumentException("no bucket " + notification.bucket());
    }
    notifications.add(notification);
  }

  /** The object, or null (tests and the local page read objects directly). */
  public StoredObject object(String bucket, String key) {
    NavigableMap<String, StoredObject> objects = buckets.get(bucket);
    return objects == null ? null : objects.get(key);
  }

  public Reply handle(Request request) {
    String path = request.path();
    String rest = path.startsWith("/") ? path.substring(1) : path;
    int slash = rest.indexOf('/');
    String bucket = decode(slash < 0 ? rest : rest.substring(0, slash));
    String key = slash < 0 || slash == rest.length() - 1 ? null : decode(rest.substring(slash + 1));
    try {
      if (bucket.isEmpty()) {
        throw new AwsError(400, "InvalidRequest", "the local S3 speaks path-style requests only (/bucket/key)");
      }
      if (key == null) {
        return bucketOperation(request, bucket);
      }
      NavigableMap<String, StoredObject> objects = buckets.get(bucket);
      if (objects == null) {
        throw new AwsError(404, "NoSuchBucket", "The specified bucket does not exist");
      }
      return switch (request.method()) {
        case "PUT" -> put(request, bucket, key, objects);
        case "GET" -> get(objects, key, true);
        case "HEAD" -> get(objects, key, false);
        case "DELETE" -> {
          objects.remove(key);
          yield Reply.of(204, null, new byte[0]);
        }
        default -> throw new AwsError(405, "MethodNotAllowed", request.method() + " is not emulated on objects");
      };
    } catch (AwsError e) {
      return error(e, request.method().equals("HEAD"));
    }
  }

  private Reply bucketOperation(Request request, String bucket) {
    switch (request.method()) {
      case "PUT":
        createBucket(bucket);
        return Reply.of(200, null, new byte[0]).with("Location", "/" + bucket);
      case "HEAD":
        if (!hasBucket(bucket)) {
          throw new AwsError(404, "NoSuchBucket", "The specified bucket does not exist");
        }
        return Reply.of(200, null, new byte[0]).with("x-amz-bucket-region", region);
      case "GET": {
        NavigableMap<String, StoredObject> objects = buckets.get(bucket);
        if (objects == null) {
          throw new AwsError(404, "NoSuchBucket", "The specified bucket does not exist");
        }
        return list(bucket, objects, Request.form(request.rawQuery()));
      }
      default:
        throw new AwsError(405, "MethodNotAllowed", request.method() + " is not emulated on buckets");
    }
  }

  private Reply put(Request request, String bucket, String key, NavigableMap<String, StoredObject> objects) {
    if (request.header("x-amz-copy-source") != null) {
      throw new AwsError(501, "NotImplemented", "CopyObject is not emulated by the local cloud");
    }
    byte[] body = payload(request);
    Map<String, String> metadata = new LinkedHashMap<>();
    request.headers().forEach((name, values) -> {
      if (name.startsWith("x-amz-meta-") && !values.isEmpty()) {
        metadata.put(name.substring("x-amz-meta-".length()), values.get(0));
      }
    });
    String etag = "\"" + HexFormat.of().formatHex(md5(body)) + "\"";
    String contentType = request.header("content-type") == null ? "binary/octet-stream" : request.header("content-type");
    Instant now = clock.instant();
    objects.put(key, new StoredObject(body, contentType, Map.copyOf(metadata), etag, now));
    log.add("s3", "PutObject s3://" + bucket + "/" + key + " (" + body.length + " bytes)", null);
    for (Notification n : notifications) {
      if (n.bucket().equals(bucket) && key.startsWith(n.prefix()) && key.endsWith(n.suffix())) {
        ObjectNode event = event(n, bucket, key, body.length, etag, now);
        deliveries.submit(() -> n.target().accept(event));
      }
    }
    return Reply.of(200, null, new byte[0]).with("ETag", etag);
  }

  private static Reply get(NavigableMap<String, StoredObject> objects, String key, boolean withBody) {
    StoredObject object = objects.get(key);
    if (object == null) {
      throw new AwsError(404, "NoSuchKey", "The specified key does not exist.");
    }
    Reply reply = Reply.of(200, object.contentType(), withBody ? object.body() : new byte[0])
        .with("ETag", object.etag())
        .with("Last-Modified", HTTP_DATE.format(object.lastModified()));
    if (!withBody) {
      // HEAD: the server sends no body, so the length is given here (the SDK reads contentLength from it).
      reply = reply.with("Content-Length", Integer.toString(object.body().length));
    }
    for (var entry : object.metadata().entrySet()) {
      reply = reply.with("x-amz-meta-" + entry.getKey(), entry.getValue());
    }
    return reply;
  }

  private static Reply list(String bucket, NavigableMap<String, StoredObject> objects, Map<String, String> query) {
    String prefix = query.getOrDefault("prefix", "");
    int max = Integer.parseInt(query.getOrDefault("max-keys", "1000"));
    String after = query.containsKey("continuation-token") ? query.get("continuation-token")
        : query.getOrDefault("start-after", "");
    StringBuilder contents = new StringBuilder();
    int count = 0;
    String last = null;
    boolean truncated = false;
    for (var entry : objects.tailMap(after, false).entrySet()) {
      if (!entry.getKey().startsWith(prefix)) {
        if (entry.getKey().compareTo(prefix) > 0) {
          break;
        }
        continue;
      }
      if (count == max) {
        truncated = true;
        break;
      }
      StoredObject o = entry.getValue();
      contents.append("<Contents><Key>").append(xml(entry.getKey())).append("</Key><LastModified>")
          .append(o.lastModified()).append("</LastModified><ETag>").append(xml(o.etag())).append("</ETag><Size>")
          .append(o.body().length).append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
      last = entry.getKey();
      count++;
    }
    String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + xml(bucket) + "</Name><Prefix>"
        + xml(prefix) + "</Prefix><KeyCount>" + count + "</KeyCount><MaxKeys>" + max + "</MaxKeys><IsTruncated>"
        + truncated + "</IsTruncated>" + (truncated ? "<NextContinuationToken>" + xml(last) + "</NextContinuationToken>" : "")
        + contents + "</ListBucketResult>";
    return Reply.text(200, "application/xml", body);
  }

  /** S3's event notification (event version 2.1), the key URL-encoded as S3 sends it. */
  private ObjectNode event(Notification n, String bucket, String key, int size, String etag, Instant at) {
    ObjectNode root = Json.object();
    ArrayNode records = root.putArray("Records");
    ObjectNode record = records.addObject();
    record.put("eventVersion", "2.1").put("eventSource", "aws:s3").put("awsRegion", region)
        .put("eventTime", at.toString()).put("eventName", "ObjectCreated:Put");
    record.putObject("userIdentity").put("principalId", "local");
    record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
    record.putObject("responseElements").put("x-amz-request-id", UUID.randomUUID().toString())
        .put("x-amz-id-2", UUID.randomUUID().toString());
    ObjectNode s3 = record.putObject("s3");
    s3.put("s3SchemaVersion", "1.0").put("configurationId", n.id());
    s3.putObject("bucket").put("name", bucket).put("arn", "arn:aws:s3:::" + bucket)
        .putObject("ownerIdentity").put("principalId", "local");
    s3.putObject("object").put("key", URLEncoder.encode(key, StandardCharsets.UTF_8)).put("size", size)
        .put("eTag", etag.replace("\"", "")).put("sequencer", String.format(Locale.ROOT, "%016X", sequencer.incrementAndGet()));
    return root;
  }

  /**
   * The object's bytes: the body as sent, or decoded from aws-chunked ({@code <hex size>[;chunk-signature=...]\r\n
   * <data>\r\n ... 0...\r\n<trailers>\r\n\r\n}), which the SDK uses for streaming uploads with a checksum trailer.
   */
  static byte[] payload(Request request) {
    String encoding = request.header("content-encoding");
    String sha = request.header("x-amz-content-sha256");
    boolean chunked = (encoding != null && encoding.contains("aws-chunked")) || (sha != null && sha.startsWith("STREAMING-"));
    if (!chunked) {
      return request.body();
    }
    byte[] in = request.body();
    ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
    int i = 0;
    while (i < in.length) {
      int lineEnd = indexOfCrlf(in, i);
      if (lineEnd < 0) {
        throw new AwsError(400, "IncompleteBody", "malformed aws-chunked body");
      }
      String header = new String(in, i, lineEnd - i, StandardCharsets.US_ASCII);
      int semicolon = header.indexOf(';');
      int size = Integer.parseInt((semicolon < 0 ? header : header.substring(0, semicolon)).trim(), 16);
      i = lineEnd + 2;
      if (size == 0) {
        break; // trailers (x-amz-checksum-*) follow; the checksum is not verified locally
      }
      out.write(in, i, size);
      i += size + 2;
    }
    String decoded = request.header("x-amz-decoded-content-length");
    if (decoded != null && Long.parseLong(decoded) != out.size()) {
      throw new AwsError(400, "IncompleteBody", "decoded length " + out.size() + " is not x-amz-decoded-content-length " + decoded);
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] bytes, int from) {
    for (int i = from; i < bytes.length - 1; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static Reply error(AwsError e, boolean head) {
    String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + e.code() + "</Code><Message>"
        + xml(e.getMessage()) + "</Message><RequestId>" + UUID.randomUUID() + "</RequestId></Error>";
    // A HEAD answer has no body: S3 (and the SDK) rely on the status alone.
    return head ? Reply.of(e.status(), null, new byte[0]) : Reply.text(e.status(), "application/xml", body);
  }

  private static String decode(String raw) {
    // Path segments: '+' is a literal plus, not a space.
    return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static byte[] md5(byte[] body) {
    try {
      return MessageDigest.getInstance("MD5").digest(body);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** Bucket names, for the summary. */
  public List<String> bucketNames() {
    return new ArrayList<>(buckets.keySet());
  }

  @Override
  public void close() {
    deliveries.shutdownNow();
  }
}
