package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.contacts.Channel;
import dev.nudge.platform.Json;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Renders marketing e-mails in the brand layout, opens them in headless Chromium and keeps the
 * screenshots in {@code target/email-preview/} (a build artifact to look at). Chromium is Debian's
 * {@code chromium}; if it is absent and we run as root it is installed, else the test fails saying so.
 */
class BrandLayoutScreenshotTest {
  private static final Path OUT = Path.of("target", "email-preview");
  private static final Color BRAND = new Color(0x0f, 0x76, 0x6e);

  @Test
  void theBrandLayoutRendersInABrowser() throws Exception {
    Files.createDirectories(OUT);
    Path logo = OUT.resolve("logo.png");
    writeLogo(logo);
    MessageTemplates templates = new MessageTemplates(new BundledMessageTemplates(),
        new Brand("Acme Outdoor", logo.toAbsolutePath().toUri().toString(), "#0f766e", "Calle Mayor 1, 28013 Madrid, Spain"));
    ObjectNode context = Json.object();
    context.putObject("attributes").put("firstName", "Ada <Lovelace>");
    context.put("unsubscribe_url", "https://nudge.example.com/v1/unsubscribe/t0k3n");
    var items = context.putObject("trigger").putObject("properties").putArray("items");
    items.addObject().put("name", "Trail shoes").put("price", 89.5).put("quantity", 2);
    items.addObject().put("name", "Wool socks").put("price", 7).put("quantity", 1);

    Path png = screenshot("cart-reminder-en", templates.render(Channel.EMAIL, "cart-reminder", context).html());
    context.put("locale", "es-ES");
    Path spanish = screenshot("welcome-1-es", templates.render(Channel.EMAIL, "welcome-1", context).html());

    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image.getWidth()).isEqualTo(700);
    // The header bar, 40 px into the 600 px card (centred in the 700 px window), is the brand colour.
    assertThat(new Color(image.getRGB(350 - 300 + 8, 24 + 8))).isEqualTo(BRAND);
    assertThat(Files.size(spanish)).isGreaterThan(5_000);
  }

  private static Path screenshot(String name, String html) throws Exception {
    Path page = OUT.resolve(name + ".html");
    Files.writeString(page, html, StandardCharsets.UTF_8);
    Path png = OUT.resolve(name + ".png");
    Files.deleteIfExists(png);
    Path profile = Files.createTempDirectory("nudge-chromium");
    Process p = new ProcessBuilder(chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--hide-scrollbars", "--force-device-scale-factor=1", "--user-data-dir=" + profile,
        "--window-size=700,900", "--screenshot=" + png.toAbsolutePath(), page.toAbsolutePath().toUri().toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    assertThat(png).exists();
    return png;
  }

  private static void writeLogo(Path path) throws IOException {
    BufferedImage logo = new BufferedImage(250, 40, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = logo.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillOval(2, 6, 28, 28);
    g.setColor(BRAND);
    g.fillPolygon(new int[] {8, 16, 24}, new int[] {28, 12, 28}, 3);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    g.drawString("ACME OUTDOOR", 38, 28);
    g.dispose();
    ImageIO.write(logo, "png", path.toFile());
  }

  private static String chromium() throws Exception {
    for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    if ("root".equals(System.getProperty("user.name"))) {
      Process install = new ProcessBuilder("sh", "-c", "apt-get install -y chromium || (apt-get update && apt-get install -y chromium)")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (install.waitFor(15, TimeUnit.MINUTES) && install.exitValue() == 0) {
        return "/usr/bin/chromium";
      }
    }
    throw new IllegalStateException("Chromium is not installed: run `apt-get install -y chromium` (Debian package chromium)");
  }
}
