package dev.nudge.local;

import dev.nudge.local.template.TemplateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code ./nudge local [--data DIR] [--in-memory] [--port N] [--time-scale N] [--param K=V] [--template FILE]}. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws InterruptedException {
    Path template = Path.of("template.yaml");
    Path data = Path.of(".nudge");
    int port = 8787;
    double scale = 1.0;
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "local" -> { }
        case "--data" -> data = Path.of(value(args, ++i, arg));
        case "--in-memory" -> data = null;
        case "--port" -> port = Integer.parseInt(value(args, ++i, arg));
        case "--time-scale" -> scale = Double.parseDouble(value(args, ++i, arg));
        case "--template" -> template = Path.of(value(args, ++i, arg));
        case "--param" -> {
          String kv = value(args, ++i, arg);
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            fail("--param needs KEY=VALUE, got " + kv);
          }
          params.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        case "-h", "--help" -> {
          System.out.println("usage: ./nudge local [--data DIR | --in-memory] [--port N] [--time-scale N] "
              + "[--param KEY=VALUE]... [--template FILE]");
          return;
        }
        default -> fail("unknown option " + arg + " (try --help)");
      }
    }
    if (!Files.exists(template)) {
      fail("no template at " + template.toAbsolutePath());
    }
    LocalCloud cloud;
    try {
      cloud = LocalCloud.start(new LocalCloudOptions(template, data, port, scale, params));
    } catch (TemplateException e) {
      fail("template.yaml cannot run locally: " + e.getMessage());
      return;
    }
    System.out.println(cloud.summary());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cloud.close();
      stopped.countDown();
    }));
    stopped.await();
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      fail(option + " needs a value");
    }
    return args[i];
  }

  private static void fail(String message) {
    System.err.println("nudge local: " + message);
    System.exit(2);
  }
}
