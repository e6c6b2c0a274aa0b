package dev.nudge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code nudge templates push DIR|FILE...}: each file saved as its template's next version (PUT /v1/templates/{id}). */
@Command(name = "push", header = "Save template files as new template versions.",
    description = "Save template files as new versions (PUT /v1/templates/{id}). A file is <id>.yaml (or .json) holding"
        + " channel, defaultLocale and locales (docs/openapi.yaml, TemplateInput); the channel may be its "
        + "folder's name (email/, sms/) instead. Unchanged templates are skipped. Refusals name the field "
        + "(locales.es.html).")
final class TemplatesPushCommand implements Callable<Integer> {
  private final CliContext context;

  @Parameters(paramLabel = "DIR|FILE", arity = "1..*", description = "Template files or directories of them.")
  List<Path> paths;

  @Mixin
  TargetOptions target = new TargetOptions();

  TemplatesPushCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    List<Path> files = InputFiles.expand(paths, InputFiles.TEMPLATES, context);
    Map<String, ObjectNode> templates = new LinkedHashMap<>();
    Map<String, Path> from = new LinkedHashMap<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      String id = name.substring(0, name.lastIndexOf('.'));
      if (!TemplateFiles.ID.matcher(id).matches()) {
        throw CliException.usage(context.show(file) + ": the file name must be the template id (a-z, 0-9 and -), got '" + id + "'");
      }
      if (from.containsKey(id)) {
        throw CliException.usage("template " + id + " is in two files: " + context.show(from.get(id)) + " and " + context.show(file));
      }
      ObjectNode template = TemplateFiles.input(Yaml.parse(InputFiles.read(file, context), context.show(file)));
      if (!template.hasNonNull("channel")) {
        String folder = file.getParent() == null ? "" : file.getParent().getFileName().toString();
        if (!folder.equals("email") && !folder.equals("sms")) {
          throw CliException.usage(context.show(file) + ": no channel: add `channel: email` (or sms), or put it in an email/ or sms/ folder");
        }
        template.put("channel", folder);
      }
      templates.put(id, template);
      from.put(id, file);
    }
    ApiClient api = target.connect(context);
    Progress progress = new Progress(templates.size());
    int failed = 0;
    for (Map.Entry<String, ObjectNode> t : templates.entrySet()) {
      String outcome;
      try {
        outcome = push(api, t.getKey(), t.getValue());
      } catch (CliException e) {
        failed++;
        outcome = "FAILED: " + e.getMessage();
      }
      context.out().println(progress.next() + context.show(from.get(t.getKey())) + " → " + t.getKey() + ": " + outcome);
      context.out().flush();
    }
    if (templates.size() > 1) {
      context.out().println((templates.size() - failed) + " of " + templates.size() + " templates up to date in " + api.where());
    }
    return failed == 0 ? Nudge.OK : Nudge.FAILED;
  }

  private String push(ApiClient api, String id, ObjectNode template) {
    ApiClient.Response current = api.admin("GET", "/v1/templates/" + id, null, null);
    if (current.ok() && current.json().path("stored").asBoolean(false)
        && sameContent(TemplateFiles.input(current.json()), template)) {
      return "unchanged (version " + current.json().path("version").asInt() + ")";
    }
    ApiClient.Response saved = api.adminJson("PUT", "/v1/templates/" + id, template).check("PUT /v1/templates/" + id);
    return (saved.status() == 201 ? "created" : "saved") + " version " + saved.json().path("version").asInt();
  }

  /**
   * The stored template says what the file says: every field of the file is stored as is, and the
   * stored one has nothing more than what the API fills in when a file leaves it out.
   */
  private static boolean sameContent(ObjectNode stored, ObjectNode file) {
    for (String field : ApiClient.fieldNames(file)) {
      if (!file.get(field).equals(stored.get(field))) {
        return false;
      }
    }
    for (String field : ApiClient.fieldNames(stored)) {
      if (!file.has(field) && !field.equals("defaultLocale") && !field.equals("utm")) {
        return false;
      }
    }
    return true;
  }
}
