package dev.nudge.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * A real DynamoDB Local client that records every operation it sends and the capacity DynamoDB
 * reports for it (an SDK execution interceptor adds ReturnConsumedCapacity; no mock), so tests pin
 * what a path costs.
 */
public final class CountingDynamoDb {
  private final List<String> operations = new CopyOnWriteArrayList<>();
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final java.util.Set<String> permissions = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final DoubleAdder writeUnits = new DoubleAdder();
  private final DoubleAdder readUnits = new DoubleAdder();
  private final DoubleAdder queryReadUnits = new DoubleAdder();
  private final DynamoDbClient client;

  public CountingDynamoDb() {
    this.client = DynamoDbClient.builder()
        .endpointOverride(LocalDynamoDb.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.addExecutionInterceptor(new Recorder()))
        .build();
  }

  public DynamoDbClient client() {
    return client;
  }

  public List<String> operations() {
    return List.copyOf(operations);
  }

  /** Each single-table call as "&lt;Operation&gt; &lt;table&gt;[/index/&lt;index&gt;]", in order (transactions and batches left out). */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  /**
   * The IAM permissions the recorded calls needed, as "dynamodb:&lt;Action&gt; &lt;table&gt;[/index/&lt;index&gt;]"
   * (a transaction needs the action of each of its items, a batch write PutItem/DeleteItem).
   */
  public java.util.Set<String> permissions() {
    return java.util.Set.copyOf(permissions);
  }

  private void recordPermissions(SdkRequest request, String operation) {
    if (request instanceof software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest t) {
      for (var item : t.transactItems()) {
        if (item.put() != null) {
          permissions.add("dynamodb:PutItem " + item.put().tableName());
        }
        if (item.update() != null) {
          permissions.add("dynamodb:UpdateItem " + item.update().tableName());
        }
        if (item.delete() != null) {
          permissions.add("dynamodb:DeleteItem " + item.delete().tableName());
        }
        if (item.conditionCheck() != null) {
          permissions.add("dynamodb:ConditionCheckItem " + item.conditionCheck().tableName());
        }
      }
      return;
    }
    if (request instanceof software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest b) {
      b.requestItems().keySet().forEach(table -> permissions.add("dynamodb:BatchWriteItem " + table));
      return;
    }
    String table = request.getValueForField("TableName", String.class).orElse("?");
    String index = request.getValueForField("IndexName", String.class).map(i -> "/index/" + i).orElse("");
    permissions.add("dynamodb:" + operation + " " + table + index);
    calls.add(operation + " " + table + index);
  }

  public double writeUnits() {
    return writeUnits.sum();
  }

  public double readUnits() {
    return readUnits.sum();
  }

  /** The read units of the Query calls (every page), apart from readUnits' GetItems. */
  public double queryReadUnits() {
    return queryReadUnits.sum();
  }

  private final class Recorder implements ExecutionInterceptor {
    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
      String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      operations.add(operation);
      recordPermissions(context.request(), operation);
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
      SdkRequest request = context.request();
      if (request instanceof PutItemRequest put) {
        return put.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
      }
      if (request instanceof UpdateItemRequest update) {
        return update.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
      }
      if (request instanceof GetItemRequest get) {
        return get.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
      }
      if (request instanceof software.amazon.awssdk.services.dynamodb.model.QueryRequest query) {
        return query.toBuilder().returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
      }
      return request;
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
      Object response = context.response();
      if (response instanceof PutItemResponse put) {
        add(writeUnits, put.consumedCapacity());
      } else if (response instanceof UpdateItemResponse update) {
        add(writeUnits, update.consumedCapacity());
      } else if (response instanceof GetItemResponse get) {
        add(readUnits, get.consumedCapacity());
      } else if (response instanceof software.amazon.awssdk.services.dynamodb.model.QueryResponse query) {
        add(queryReadUnits, query.consumedCapacity());
      }
    }

    private void add(DoubleAdder adder, ConsumedCapacity capacity) {
      if (capacity != null && capacity.capacityUnits() != null) {
        adder.add(capacity.capacityUnits());
      }
    }
  }
}
