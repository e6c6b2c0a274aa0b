package dev.nudge.messaging;

import dev.nudge.contacts.Channel;
import dev.nudge.platform.Environment;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.pinpointsmsvoicev2.PinpointSmsVoiceV2Client;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.ConflictException;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.ConflictExceptionReason;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.MessageType;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageTag;

/**
 * E-mail through SES v2 {@code SendEmail} with the configuration set that reports events; SMS
 * through AWS End User Messaging SMS {@code SendTextMessage}, not SNS {@code Publish}: only
 * {@code SendTextMessage} carries a {@code Context} (Nudge's message tags) that comes back in
 * the delivery-status events on EventBridge, so an SMS delivery or failure can be attributed to
 * its workflow, step and contact the way an SES event is.
 */
public final class AwsMessenger implements Messenger {
  /** Where messages come from and which configuration sets report on them. */
  public record Settings(String from, String emailConfigurationSet, String smsConfigurationSet,
      String smsOriginationIdentity) {
    /** From the function's variables: EMAIL_FROM, SES_CONFIGURATION_SET, SMS_CONFIGURATION_SET, SMS_ORIGINATION_IDENTITY. */
    public static Settings from(Environment env) {
      return new Settings(env.require("EMAIL_FROM"), blankToNull(env.optional("SES_CONFIGURATION_SET").orElse(null)),
          blankToNull(env.optional("SMS_CONFIGURATION_SET").orElse(null)),
          blankToNull(env.optional("SMS_ORIGINATION_IDENTITY").orElse(null)));
    }
  }

  private final SesV2Client ses;
  private final PinpointSmsVoiceV2Client sms;
  private final Settings settings;

  /** {@code sms}: null for a function that sends e-mail only. */
  public AwsMessenger(SesV2Client ses, PinpointSmsVoiceV2Client sms, Settings settings) {
    this.ses = ses;
    this.sms = sms;
    this.settings = settings;
  }

  /** SES and SMS clients on the lightweight HTTP client, once per container. */
  public static AwsMessenger fromEnvironment(Environment env) {
    return new AwsMessenger(SesV2Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        PinpointSmsVoiceV2Client.builder().httpClientBuilder(UrlConnectionHttpClient.builder()).build(),
        Settings.from(env));
  }

  @Override
  public String send(OutgoingMessage message) {
    if (message.channel() == Channel.EMAIL) {
      return sendEmail(message);
    }
    if (sms == null) {
      throw new IllegalStateException("this function sends no SMS");
    }
    try {
      return sms.sendTextMessage(b -> {
        b.destinationPhoneNumber(message.to()).messageBody(message.text()).messageType(MessageType.PROMOTIONAL)
            .context(context(message.tags()));
        if (settings.smsConfigurationSet() != null) {
          b.configurationSetName(settings.smsConfigurationSet());
        }
        if (settings.smsOriginationIdentity() != null) {
          b.originationIdentity(settings.smsOriginationIdentity());
        }
      }).messageId();
    } catch (ConflictException e) {
      if (e.reason() == ConflictExceptionReason.DESTINATION_PHONE_NUMBER_OPTED_OUT) {
        throw new RecipientOptedOutException(e);
      }
      throw e;
    }
  }

  private String sendEmail(OutgoingMessage message) {
    return ses.sendEmail(b -> {
      b.fromEmailAddress(settings.from())
          .destination(d -> d.toAddresses(message.to()))
          .content(c -> c.simple(s -> s.headers(message.headers().entrySet().stream()
                  .map(h -> MessageHeader.builder().name(h.getKey()).value(h.getValue()).build()).toList())
              .subject(t -> t.data(message.subject()).charset("UTF-8"))
              .body(body -> {
                body.text(t -> t.data(message.text()).charset("UTF-8"));
                if (message.html() != null) {
                  body.html(h -> h.data(message.html()).charset("UTF-8"));
                }
              })))
          .emailTags(message.tags().entrySet().stream()
              .map(e -> MessageTag.builder().name(e.getKey()).value(tagValue(e.getValue())).build()).toList());
      if (settings.emailConfigurationSet() != null) {
        b.configurationSetName(settings.emailConfigurationSet());
      }
    }).messageId();
  }

  /** SendTextMessage's Context: up to 5 keys of plain strings, which MessageTags' five fit. */
  static Map<String, String> context(Map<String, String> tags) {
    return new TreeMap<>(tags);
  }

  /** SES tag values allow letters, digits, _ - . @ only. */
  static String tagValue(String value) {
    return value.replaceAll("[^A-Za-z0-9_.@-]", "_");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
