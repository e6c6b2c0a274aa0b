package dev.nudge.messaging;

/**
 * How many SMS segments a body takes (3GPP TS 23.038): GSM-7 when every character is in the GSM
 * alphabet (160 per message, 153 per part when split; the extension characters take two), else
 * UCS-2 (70, or 67 per part, counted in UTF-16 units). Operators bill per segment.
 */
public final class SmsSegments {
  private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
      + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  private static final String EXTENDED = "^{}\\[~]|€\f";

  public record Count(String encoding, int units, int segments) {}

  private SmsSegments() {}

  public static Count count(String body) {
    int septets = 0;
    boolean gsm = true;
    for (int i = 0; i < body.length() && gsm; i++) {
      char c = body.charAt(i);
      if (BASIC.indexOf(c) >= 0) {
        septets++;
      } else if (EXTENDED.indexOf(c) >= 0) {
        septets += 2;
      } else {
        gsm = false;
      }
    }
    if (gsm) {
      return new Count("GSM-7", septets, septets <= 160 ? 1 : (septets + 152) / 153);
    }
    int units = body.length();
    return new Count("UCS-2", units, units <= 70 ? 1 : (units + 66) / 67);
  }
}
