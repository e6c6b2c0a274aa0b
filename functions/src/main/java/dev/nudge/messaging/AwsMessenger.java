package dev.nudge.messaging;

import dev.nudge.contacts.Channel;
import java.util.Map;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/** E-mail through SES v2 {@code SendEmail} (with the configuration set that reports events), SMS through SNS {@code Publish}. */
public final class AwsMessenger implements Messenger {
  private final SesV2Client ses;
  private final SnsClient sns;
  private final String from;
  private final String configurationSet;

  public AwsMessenger(SesV2Client ses, SnsClient sns, String from, String configurationSet) {
    this.ses = ses;
    this.sns = sns;
    this.from = from;
    this.configurationSet = configurationSet;
  }

  @Override
  public String send(OutgoingMessage message) {
    if (message.channel() == Channel.EMAIL) {
      return ses.sendEmail(b -> {
        b.fromEmailAddress(from)
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
        if (configurationSet != null) {
          b.configurationSetName(configurationSet);
        }
      }).messageId();
    }
    return sns.publish(b -> b.phoneNumber(message.to()).message(message.text())
        .messageAttributes(Map.of("AWS.SNS.SMS.SMSType",
            MessageAttributeValue.builder().dataType("String").stringValue("Promotional").build()))).messageId();
  }

  /** SES tag values allow letters, digits, _ - . @ only. */
  static String tagValue(String value) {
    return value.replaceAll("[^A-Za-z0-9_.@-]", "_");
  }
}
