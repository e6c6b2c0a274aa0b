package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code nudge publish FILE...|DIR}: each workflow's draft saved ({@code PUT /v1/workflows/{id}})
 * and published ({@code POST /v1/workflows/{id}/publish}). A file whose definition is already the
 * live version is left alone, so publishing from CI on every push creates versions only for changes.
 */
@Command(name = "publish", header = "Publish workflow files to the local cloud, or to AWS with --stack.", sortOptions = false,
    description = "Publish workflows: save each file as its workflow's draft, then publish it as a new version "
        + "(journeys in flight stay on theirs). Unchanged workflows are skipped. The API validates (with the "
        + "stored templates); problems are listed per file and that file is not published. Directories are read"
        + " for *.yaml (not *.test.yaml).")
final class PublishCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "Workflow files or directories of them.")
  List<Path> paths;

  @Mixin
  TargetOptions target = new TargetOptions();

  PublishCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    List<Path> files = InputFiles.expand(paths, InputFiles.WORKFLOWS, context);
    // Read and name everything first: a file that is not a workflow at all is a usage error before anything is sent.
    Map<Path, String> texts = new LinkedHashMap<>();
    Map<Path, String> ids = new LinkedHashMap<>();
    for (Path file : files) {
      String text = InputFiles.read(file, context);
      JsonNode id = Yaml.parse(text, context.show(file)).path("id");
      if (!id.isTextual() || id.asText().isBlank()) {
        throw CliException.usage(context.show(file) + ": no workflow id (the `id:` field)");
      }
      texts.put(file, text);
      ids.put(file, id.asText());
    }
    ApiClient api = target.connect(context);
    Progress progress = new Progress(files.size());
    int failed = 0;
    for (Path file : files) {
      String id = ids.get(file);
      String outcome;
      try {
        outcome = publish(api, id, texts.get(file), context.show(file));
      } catch (CliException e) {
        if (e.exitCode() == Nudge.USAGE) {
          throw e;
        }
        failed++;
        outcome = "FAILED: " + e.getMessage();
      }
      context.out().println(progress.next() + context.show(file) + " → " + id + ": " + outcome);
      context.out().flush();
    }
    if (files.size() > 1) {
      context.out().println((files.size() - failed) + " of " + files.size() + " workflows published (or unchanged) in " + api.where()
          + " in " + progress.elapsedMillis() + " ms");
    }
    return failed == 0 ? Nudge.OK : Nudge.FAILED;
  }

  private String publish(ApiClient api, String id, String definition, String file) {
    ApiClient.Response current = api.admin("GET", "/v1/workflows/" + id, null, null);
    if (current.ok()) {
      JsonNode live = current.json();
      int liveVersion = live.path("liveVersion").asInt(0);
      for (JsonNode v : live.path("versions")) {
        if (v.path("version").asInt() == liveVersion && liveVersion > 0 && definition.equals(v.path("definition").asText())
            && "active".equals(live.path("status").asText())) {
          return "unchanged (version " + liveVersion + ")";
        }
      }
    } else if (current.status() != 404) {
      current.check("GET /v1/workflows/" + id);
    }
    JsonNode draft = api.admin("PUT", "/v1/workflows/" + id, definition, "application/yaml")
        .check("saving the draft").json();
    if (draft.path("problems").size() > 0) {
      StringBuilder problems = new StringBuilder(draft.path("problems").size() + " problem(s), not published:");
      draft.path("problems").forEach(p -> problems.append("\n  ").append(file).append(": ").append(ApiClient.problem(p)));
      throw CliException.failed(problems.toString());
    }
    JsonNode published = api.adminJson("POST", "/v1/workflows/" + id + "/publish",
        ApiClient.JSON.createObjectNode().put("description", "nudge publish " + Path.of(file).getFileName()))
        .check("publishing").json();
    return "published version " + published.path("liveVersion").asInt() + " (" + published.path("status").asText() + ")";
  }
}
