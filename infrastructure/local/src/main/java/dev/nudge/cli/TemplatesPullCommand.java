package dev.nudge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code nudge templates pull [ID...] [-o DIR]}: templates as files, {@code DIR/<channel>/<id>.yaml}. */
@Command(name = "pull", header = "Write templates as files, DIR/<channel>/<id>.yaml.",
    description = "Write templates as files, DIR/<channel>/<id>.yaml, in the form `templates push` reads: the named "
        + "ones, or all (stored and bundled). Existing files are replaced.")
final class TemplatesPullCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "ID", arity = "0..*", description = "Template ids (default: every template).")
  List<String> ids = new ArrayList<>();

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write (default: ./templates).")
  Path output;

  @Option(names = "--stored-only", description = "Without ids: only the templates stored in Nudge, not the bundled ones.")
  boolean storedOnly;

  @Mixin
  TargetOptions target = new TargetOptions();

  TemplatesPullCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    for (String id : ids) {
      if (!TemplateFiles.ID.matcher(id).matches()) {
        throw CliException.usage("not a template id: '" + id + "' (a-z, 0-9 and -)");
      }
    }
    Path dir = output != null ? output : context.resolve("templates");
    ApiClient api = target.connect(context);
    List<String> wanted = new ArrayList<>(ids);
    if (wanted.isEmpty()) {
      for (JsonNode t : api.admin("GET", "/v1/templates", null, null).check("GET /v1/templates").json().path("templates")) {
        if (!storedOnly || t.path("stored").asBoolean(false)) {
          wanted.add(t.path("id").asText());
        }
      }
    }
    Progress progress = new Progress(wanted.size());
    int failed = 0;
    for (String id : wanted) {
      ApiClient.Response response = api.admin("GET", "/v1/templates/" + id, null, null);
      if (!response.ok()) {
        failed++;
        context.out().println(progress.next() + id + ": FAILED: " + response.describe());
        continue;
      }
      JsonNode template = response.json();
      ObjectNode input = TemplateFiles.input(template);
      Path file = dir.resolve(input.path("channel").asText("email")).resolve(id + ".yaml");
      InputFiles.write(file, Yaml.write(input), context);
      context.out().println(progress.next() + id + " → " + context.show(file) + " (version " + template.path("version").asInt()
          + (template.path("version").asInt() == 0 ? ", bundled" : "") + ")");
      context.out().flush();
    }
    return failed == 0 ? Nudge.OK : Nudge.FAILED;
  }
}
