package dev.nudge.local.cloud;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nudge.local.testing.TestClouds;
import dev.nudge.local.template.TemplateException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the local cloud cannot run fails at startup, naming the resource and the property. */
class RefusedTemplatesTest {
  @TempDir
  Path dir;

  private void refuses(String resources, String... messageParts) throws Exception {
    Path template = dir.resolve("template.yaml");
    Files.writeString(template, "Transform: AWS::Serverless-2016-10-31\nResources:\n" + resources);
    var assertion = assertThatThrownBy(() -> TestClouds.start(template, 0).close()).isInstanceOf(TemplateException.class);
    for (String part : messageParts) {
      assertion.hasMessageContaining(part);
    }
  }

  @Test
  void refusesAResourceTypeItDoesNotEmulate() throws Exception {
    refuses("""
          Clicks:
            Type: AWS::Kinesis::Stream
        """, "Resources.Clicks.Type", "AWS::Kinesis::Stream");
  }

  @Test
  void refusesABucketPropertyItCannotHonour() throws Exception {
    refuses("""
          Site:
            Type: AWS::S3::Bucket
            Properties:
              WebsiteConfiguration: { IndexDocument: index.html }
        """, "Resources.Site.Properties.WebsiteConfiguration");
  }

  @Test
  void refusesAFunctionEventTypeItDoesNotEmulate() throws Exception {
    refuses("""
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: dev.nudge.local.testing.RecordingHandler::handleRequest
              Events:
                Queue: { Type: SQS, Properties: { Queue: arn:aws:sqs:us-east-1:1:q } }
        """, "Resources.Fn.Properties.Events.Queue.Type", "SQS");
  }

  @Test
  void refusesAHandlerClassThatIsNotInTheFunctionsJar() throws Exception {
    refuses("""
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: dev.nudge.Missing::handleRequest
        """, "Resources.Fn.Properties.Handler", "dev.nudge.Missing");
  }

  @Test
  void refusesAStreamEventSourceOnATableWithoutAStream() throws Exception {
    refuses("""
          T:
            Type: AWS::DynamoDB::Table
            Properties:
              AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
              KeySchema: [{ AttributeName: id, KeyType: HASH }]
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: dev.nudge.local.testing.RecordingHandler::handleRequest
              Events:
                S:
                  Type: DynamoDB
                  Properties: { Stream: !GetAtt T.StreamArn, StartingPosition: LATEST }
        """, "Resources.Fn.Properties.Events.S.Properties.Stream", "no StreamSpecification");
  }

  @Test
  void refusesAStreamParallelizationFactorOutsideLambdasRange() throws Exception {
    refuses("""
          T:
            Type: AWS::DynamoDB::Table
            Properties:
              AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
              KeySchema: [{ AttributeName: id, KeyType: HASH }]
              StreamSpecification: { StreamViewType: NEW_IMAGE }
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: dev.nudge.local.testing.RecordingHandler::handleRequest
              Events:
                S:
                  Type: DynamoDB
                  Properties: { Stream: !GetAtt T.StreamArn, StartingPosition: LATEST, ParallelizationFactor: 11 }
        """, "Resources.Fn.Properties.Events.S.Properties.ParallelizationFactor", "1 to 10");
  }

  @Test
  void refusesATableProperyItCannotHonour() throws Exception {
    refuses("""
          T:
            Type: AWS::DynamoDB::Table
            Properties:
              AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
              KeySchema: [{ AttributeName: id, KeyType: HASH }]
              KinesisStreamSpecification: { StreamArn: arn:aws:kinesis:us-east-1:1:stream/s }
        """, "Resources.T.Properties.KinesisStreamSpecification");
  }

  @Test
  void refusesAStateMachineTaskResourceItCannotRoute() throws Exception {
    refuses("""
          M:
            Type: AWS::Serverless::StateMachine
            Properties:
              Definition:
                StartAt: A
                States:
                  A: { Type: Task, Resource: "arn:aws:states:::ecs:runTask.sync", End: true }
        """, "Resources.M", "ecs:runTask");
  }

  @Test
  void refusesAnExpressStateMachine() throws Exception {
    refuses("""
          M:
            Type: AWS::Serverless::StateMachine
            Properties:
              Type: EXPRESS
              Definition: { StartAt: A, States: { A: { Type: Pass, End: true } } }
        """, "Resources.M.Properties.Type", "EXPRESS");
  }

  @Test
  void refusesADefinitionSubstitutionWithoutAValue() throws Exception {
    refuses("""
          M:
            Type: AWS::Serverless::StateMachine
            Properties:
              Definition: { StartAt: A, States: { A: { Type: Pass, Result: "${Missing}", End: true } } }
        """, "Resources.M.Properties.DefinitionSubstitutions", "${Missing}");
  }
}
