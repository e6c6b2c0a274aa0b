package dev.nudge.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nudge.platform.Json;
import org.junit.jupiter.api.Test;

class UtmFilterTest {
  private static String render(String source, ObjectNode context, boolean html) {
    return Liquid.render(Liquid.check(source), context, html, Liquid.missingSet());
  }

  @Test
  void addsSourceMediumAndCampaignToALink() {
    assertThat(render("{{ \"https://shop.example.com/cart\" | utm: \"autumn-sale\" }}", Json.object(), false))
        .isEqualTo("https://shop.example.com/cart?utm_source=nudge&utm_medium=email&utm_campaign=autumn-sale");
  }

  @Test
  void keepsTheLinksQueryItsOwnUtmParametersAndTheFragmentLast() {
    assertThat(render("{{ \"https://shop.example.com/p?id=7&utm_source=ads#reviews\" | utm: \"spring\", \"sms\" }}",
        Json.object(), false))
        .isEqualTo("https://shop.example.com/p?id=7&utm_source=ads&utm_medium=sms&utm_campaign=spring#reviews");
  }

  @Test
  void aLinkFromTheEscapedHtmlContextKeepsItsEscaping() {
    ObjectNode context = Json.object();
    context.putObject("trigger").put("url", "https://shop.example.com/p?a=1&b=2");
    assertThat(render("<a href=\"{{ trigger.url | utm: \"c\" }}\">", context, true))
        .isEqualTo("<a href=\"https://shop.example.com/p?a=1&amp;b=2&amp;utm_source=nudge&amp;utm_medium=email&amp;utm_campaign=c\">");
  }

  @Test
  void leavesAnythingThatIsNotAWebLinkAlone() {
    assertThat(render("{{ \"mailto:x@example.com\" | utm: \"c\" }}", Json.object(), false)).isEqualTo("mailto:x@example.com");
  }
}
