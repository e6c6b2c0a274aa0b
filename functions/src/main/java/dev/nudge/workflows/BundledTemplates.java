package dev.nudge.workflows;

/**
 * The message templates shipped in the jar, under {@code templates/<channel>/<id>.yaml} on the
 * classpath. The messaging issue adds stored templates; a catalog of both will wrap this one.
 */
public final class BundledTemplates implements TemplateCatalog {
  private final ClassLoader loader;

  public BundledTemplates() {
    this(BundledTemplates.class.getClassLoader());
  }

  public BundledTemplates(ClassLoader loader) {
    this.loader = loader;
  }

  @Override
  public boolean exists(String channel, String template) {
    if (!channel.matches("email|sms") || template == null || !WorkflowParser.ID.matcher(template).matches()) {
      return false;
    }
    return loader.getResource("templates/" + channel + "/" + template + ".yaml") != null;
  }
}
