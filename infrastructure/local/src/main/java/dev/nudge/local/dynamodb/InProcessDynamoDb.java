package dev.nudge.local.dynamodb;

import java.lang.reflect.Field;
import java.util.Map;
import software.amazon.dynamodb.services.exceptions.AWSExceptionFactory;
import software.amazon.dynamodb.services.exceptions.AmazonServiceExceptionType;
import software.amazon.dynamodb.services.exceptions.DynamoDBLocalServiceException;
import software.amazon.dynamodb.services.local.dispatchers.Dispatcher;
import software.amazon.dynamodb.services.local.exceptions.ExceptionBean;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;
import software.amazon.dynamodb.services.local.server.DynamoDBRequestHandler;
import software.amazon.dynamodb.services.local.shared.mapper.DynamoDbObjectMapper;

/**
 * DynamoDB Local's request handling without its HTTP server: what its Jetty handler does with a
 * request's target, Authorization header and JSON body ({@code LocalDynamoDBServerHandler
 * .packageDynamoDBResponse}: credentials and region from the header, the target's version and
 * action checked, the body parsed and handed to the action's dispatcher, errors as DynamoDB's JSON),
 * on the caller's thread. Every DynamoDB call of the functions (and of the stream pollers and
 * the engine's tasks) used to go from the local endpoint to DynamoDB Local over a second loopback
 * HTTP connection (the JDK client, Jetty, and four thread hand-offs), about 5 ms a call on this
 * machine, more than an in-memory {@code PutItem} itself (~1 ms).
 *
 * <p>The handler's dispatch tables are private: they are read by reflection. If a DynamoDB Local
 * upgrade changes them, {@link #attach} returns null and calls go over HTTP as before.
 */
final class InProcessDynamoDb {
  /** One answer: HTTP status and DynamoDB's JSON body. */
  record Answer(int status, byte[] body) {}

  private final Map<String, Dispatcher<Object>> dispatchers;
  private final Map<String, Class<?>> classes;
  private final Map<String, java.util.Set<String>> actionsByVersion;
  private final DynamoDbObjectMapper mapper;
  private final DynamoDBRequestHandler handler;

  private InProcessDynamoDb(Map<String, Dispatcher<Object>> dispatchers, Map<String, Class<?>> classes,
      Map<String, java.util.Set<String>> actionsByVersion, DynamoDbObjectMapper mapper, DynamoDBRequestHandler handler) {
    this.dispatchers = dispatchers;
    this.classes = classes;
    this.actionsByVersion = actionsByVersion;
    this.mapper = mapper;
    this.handler = handler;
  }

  /** The started server's handler, or null (with the reason on standard error) when its internals are not as expected. */
  @SuppressWarnings("unchecked")
  static InProcessDynamoDb attach(DynamoDBProxyServer server) {
    try {
      Object serverHandler = field(DynamoDBProxyServer.class, "serverHandler").get(server);
      Class<?> handlerClass = serverHandler.getClass();
      Map<String, Dispatcher<Object>> dispatchers = (Map<String, Dispatcher<Object>>) field(handlerClass, "dispatchers").get(null);
      Map<String, Class<?>> classes = (Map<String, Class<?>>) field(handlerClass, "classes").get(null);
      Map<String, java.util.Set<String>> versions =
          (Map<String, java.util.Set<String>>) field(handlerClass, "ACTION_VERSION_COMPATIBILITY").get(null);
      DynamoDbObjectMapper mapper = (DynamoDbObjectMapper) field(handlerClass, "jsonMapper").get(serverHandler);
      DynamoDBRequestHandler primary = (DynamoDBRequestHandler) field(handlerClass, "primaryHandler").get(serverHandler);
      Map<?, ?> secondary = (Map<?, ?>) field(handlerClass, "secondaryHandlers").get(serverHandler);
      if (dispatchers == null || classes == null || versions == null || mapper == null || primary == null
          || (secondary != null && !secondary.isEmpty())) {
        throw new IllegalStateException("unexpected handler state");
      }
      return new InProcessDynamoDb(dispatchers, classes, versions, mapper, primary);
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("DynamoDB Local: calling it in-process is not possible (" + e + "); calls go over HTTP");
      return null;
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        Field field = c.getDeclaredField(name);
        field.setAccessible(true);
        return field;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      }
    }
    throw new NoSuchFieldException(type.getName() + "." + name);
  }

  /** What DynamoDB Local's HTTP handler answers to a POST with these headers and body. */
  Answer handle(String target, String authorization, byte[] body) {
    try {
      return new Answer(200, dispatch(target, authorization, body));
    } catch (DynamoDBLocalServiceException e) {
      return error(e.statusCode(), new ExceptionBean(e.getErrorCode(), e.getMessage(), e.getCancellationReasons(), e.getItem()));
    } catch (RuntimeException e) {
      // As DynamoDB Local's handler does, answered as InternalFailure; its log line becomes ours.
      System.err.println("DynamoDB Local failed on " + target + ": " + e);
      e.printStackTrace();
      return error(AmazonServiceExceptionType.INTERNAL_FAILURE.getResponseStatus(),
          new ExceptionBean(AmazonServiceExceptionType.INTERNAL_FAILURE));
    }
  }

  private byte[] dispatch(String target, String authorization, byte[] body) {
    if (authorization == null) {
      throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.MISSING_AUTHENTICATION_TOKEN);
    }
    String[] credential = authorization.split("=|/");
    if (credential.length < 4 || !credential[1].matches("[A-Za-z0-9]+")) {
      throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.UNRECOGNIZED_CLIENT_EXCEPTION);
    }
    String accessKey = credential[1];
    String region = credential[3].matches("^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$") ? credential[3] : "";
    String[] parts = target == null ? new String[0] : target.split("\\.");
    if (parts.length < 2) {
      throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.INVALID_ACTION);
    }
    if (parts[0].equals("DynamoDB_20110924") || parts[0].equals("DynamoDB_20111205")) {
      throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.INVALID_VERSION);
    }
    java.util.Set<String> actions = actionsByVersion.get(parts[0]);
    if (actions == null) {
      throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.INVALID_ACTION);
    }
    if (!actions.contains(parts[1])) {
      throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.UNKNOWN_OPERATION_EXCEPTION);
    }
    Dispatcher<Object> dispatcher = dispatchers.get(parts[1]);
    if (dispatcher == null) {
      throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.INVALID_ACTION);
    }
    try {
      return dispatcher.enact(accessKey, region, mapper.readValue(body, classes.get(parts[1])), handler);
    } catch (DynamoDBLocalServiceException e) {
      throw e;
    } catch (java.io.IOException e) {
      // The HTTP handler answers an unparseable body with InternalFailure too.
      throw AWSExceptionFactory.buildAWSException(AmazonServiceExceptionType.INTERNAL_FAILURE);
    }
  }

  private Answer error(int status, ExceptionBean bean) {
    try {
      return new Answer(status, mapper.writeValueAsBytes(bean));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
