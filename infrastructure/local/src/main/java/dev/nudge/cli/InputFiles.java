package dev.nudge.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** FILE|DIR arguments: files as given, directories walked in name order for the files a command reads. */
final class InputFiles {
  private InputFiles() {}

  /** Workflow definitions: YAML files, not scenario files ({@code *.test.yaml}). */
  static final Predicate<Path> WORKFLOWS = p -> {
    String name = p.getFileName().toString();
    return (name.endsWith(".yaml") || name.endsWith(".yml")) && !name.endsWith(".test.yaml") && !name.endsWith(".test.yml");
  };

  /** Templates: YAML or JSON files. */
  static final Predicate<Path> TEMPLATES = p -> {
    String name = p.getFileName().toString();
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  };

  /** The files named, directories expanded; a path that does not exist is a usage error (exit 2). */
  static List<Path> expand(List<Path> paths, Predicate<Path> wanted, CliContext context) {
    List<Path> files = new ArrayList<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        try (Stream<Path> walk = Files.walk(path)) {
          walk.filter(Files::isRegularFile).filter(wanted).sorted().forEach(files::add);
        } catch (IOException e) {
          throw CliException.usage("cannot read " + context.show(path) + ": " + e.getMessage());
        }
      } else if (Files.isRegularFile(path)) {
        files.add(path);
      } else {
        throw CliException.usage("no such file or directory: " + context.show(path));
      }
    }
    if (files.isEmpty()) {
      throw CliException.usage("no files to read in " + paths.stream().map(context::show).toList());
    }
    return files;
  }

  static String read(Path file, CliContext context) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliException.usage("cannot read " + context.show(file) + ": " + e.getMessage());
    }
  }

  static void write(Path file, String text, CliContext context) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CliException.failed("cannot write " + context.show(file) + ": " + e.getMessage());
    }
  }
}
