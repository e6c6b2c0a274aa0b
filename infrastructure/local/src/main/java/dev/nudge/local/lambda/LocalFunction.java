package dev.nudge.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** A function of the template as the local cloud runs it. */
public record LocalFunction(
    String logicalId, String name, String arn, String handlerClass, int timeoutSeconds, int memoryMb,
    Map<String, String> variables, JsonNode events) {}
