package dev.nudge.cli;

import picocli.CommandLine.Option;

/**
 * Where a command sends its API calls: the local cloud (default) or a deployed stack. Mixed into
 * every command that calls Nudge's API.
 */
final class TargetOptions {
  static final String DEFAULT_URL = "http://127.0.0.1:8787";

  @Option(names = "--url", paramLabel = "URL", order = 100,
      description = "The local cloud (default: $NUDGE_URL, else " + DEFAULT_URL + ", where `./nudge local` listens).")
  String url;

  @Option(names = "--stack", paramLabel = "NAME", order = 101,
      description = "A deployed Nudge stack instead (default: $NUDGE_STACK): the API URL and signing-keys parameter come "
          + "from its CloudFormation outputs; calls are SigV4-signed with the default AWS credentials.")
  String stack;

  @Option(names = "--region", paramLabel = "REGION", order = 102,
      description = "The stack's region (default: the AWS SDK's default region chain, e.g. AWS_REGION).")
  String region;

  ApiClient connect(CliContext context) {
    String stackName = stack != null ? stack : context.env().get("NUDGE_STACK");
    if (url != null && stackName != null) {
      throw CliException.usage("give --url or --stack, not both");
    }
    if (stackName != null && !stackName.isBlank()) {
      return ApiClient.forStack(stackName, region, context);
    }
    String base = url != null ? url : context.env().getOrDefault("NUDGE_URL", DEFAULT_URL);
    return ApiClient.forLocal(base, context);
  }
}
