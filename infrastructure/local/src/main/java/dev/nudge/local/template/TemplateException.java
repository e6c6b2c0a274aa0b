package dev.nudge.local.template;

/**
 * A template the local cloud cannot load or wire. The message names the resource and the
 * property, so the template bug is found before deploying.
 */
public final class TemplateException extends RuntimeException {
  public TemplateException(String message) {
    super(message);
  }

  public TemplateException(String message, Throwable cause) {
    super(message, cause);
  }

  public static TemplateException at(String where, String problem) {
    return new TemplateException(where + ": " + problem);
  }
}
