package dev.nudge.contacts.imports;

/**
 * What the uploader says about the whole file, in the object's user metadata: the consent source
 * of its subscriptions ({@code consent-source}) and a list every row joins ({@code list}). Either may be null.
 */
public record ImportOptions(String consentSource, String list) {
  public static final String CONSENT_SOURCE_METADATA = "consent-source";
  public static final String LIST_METADATA = "list";

  public static ImportOptions of(java.util.Map<String, String> metadata) {
    return new ImportOptions(blankToNull(metadata.get(CONSENT_SOURCE_METADATA)), blankToNull(metadata.get(LIST_METADATA)));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
