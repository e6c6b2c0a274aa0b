package dev.nudge.messaging;

import dev.nudge.platform.Environment;

/**
 * The brand every marketing e-mail is wrapped in (template parameters BrandName, BrandLogoUrl,
 * BrandColor, BrandPostalAddress). The postal address is in the footer because CAN-SPAM requires one.
 */
public record Brand(String name, String logoUrl, String color, String postalAddress) {
  public static final String DEFAULT_COLOR = "#4f46e5";

  public Brand {
    name = name == null ? "" : name;
    logoUrl = logoUrl == null ? "" : logoUrl;
    color = color == null || !color.matches("#[0-9A-Fa-f]{3}([0-9A-Fa-f]{3})?") ? DEFAULT_COLOR : color;
    postalAddress = postalAddress == null ? "" : postalAddress;
  }

  public static Brand none() {
    return new Brand(null, null, null, null);
  }

  public static Brand from(Environment env) {
    return new Brand(env.optional("BRAND_NAME").orElse(null), env.optional("BRAND_LOGO_URL").orElse(null),
        env.optional("BRAND_COLOR").orElse(null), env.optional("BRAND_POSTAL_ADDRESS").orElse(null));
  }
}
