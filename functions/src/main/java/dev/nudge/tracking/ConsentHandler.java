package dev.nudge.tracking;

import dev.nudge.contacts.Consent;
import dev.nudge.contacts.ConsentStatus;
import dev.nudge.contacts.ConsentTokens;
import dev.nudge.contacts.ConsentTokens.Purpose;
import dev.nudge.contacts.ConsentTokens.Token;
import dev.nudge.contacts.Contact;
import dev.nudge.contacts.ContactRepository;
import dev.nudge.contacts.ContactService;
import dev.nudge.contacts.EventRepository;
import dev.nudge.platform.AwsClients;
import dev.nudge.platform.CachingSecretSource;
import dev.nudge.platform.Environment;
import dev.nudge.platform.HttpApiHandler;
import dev.nudge.platform.HttpRequest;
import dev.nudge.platform.HttpResponse;
import dev.nudge.platform.SecretSource;
import dev.nudge.platform.SsmSecretSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The links in messages: GET /v1/confirm/{token} (double opt-in), GET /v1/unsubscribe/{token} (a
 * page with a button: a GET never unsubscribes, because mail scanners follow links) and POST
 * /v1/unsubscribe/{token} (the button, and RFC 8058 one-click from the mailbox provider). People
 * read the answers, so they are small HTML pages.
 */
public final class ConsentHandler extends HttpApiHandler {
  private final ContactService contacts;
  private final ConsentTokens tokens;
  private final Clock clock;

  public ConsentHandler() {
    this(Environment.current(), AwsClients.dynamoDb(),
        new CachingSecretSource(new SsmSecretSource(AwsClients.ssm()), Environment.current().clock(), Duration.ofMinutes(5)));
  }

  public ConsentHandler(Environment env, DynamoDbClient ddb, SecretSource secrets) {
    super("consent");
    Duration retention = Duration.ofDays(Long.parseLong(env.optional("EVENT_RETENTION_DAYS").orElse("400")));
    this.contacts = new ContactService(new ContactRepository(ddb, env.require("CONTACTS_TABLE")),
        new EventRepository(ddb, env.require("EVENTS_TABLE")), env.clock(), retention);
    this.tokens = new ConsentTokens(secrets, env.require("TOKEN_SECRET_PARAMETER"), env.clock());
    this.clock = env.clock();
    route("GET /v1/confirm/{token}", this::confirm);
    route("GET /v1/unsubscribe/{token}", this::unsubscribePage);
    route("POST /v1/unsubscribe/{token}", this::unsubscribe);
  }

  private HttpResponse confirm(HttpRequest request) {
    Optional<Token> token = tokens.verify(request.pathParameters().getOrDefault("token", ""), Purpose.CONFIRM);
    if (token.isEmpty()) {
      return page(400, "Link not valid", "This confirmation link is not valid or has expired.");
    }
    Optional<Contact> contact = contacts.find(token.get().contactId());
    Optional<Consent> consent = contact.flatMap(c -> c.consent(token.get().channel()));
    if (consent.isPresent() && consent.get().status() == ConsentStatus.SUBSCRIBED) {
      return page(200, "Subscribed", "Your subscription is confirmed.");
    }
    if (consent.isEmpty() || consent.get().status() != ConsentStatus.PENDING
        || !consent.get().at().equals(token.get().at())) {
      return page(410, "Link no longer valid", "This confirmation link is for an earlier request.");
    }
    Consent confirmed = new Consent(ConsentStatus.SUBSCRIBED, "double-opt-in", clock.instant());
    if (!contacts.changeConsent(contact.get().id(), token.get().channel(), consent.get(), confirmed)) {
      return page(409, "Please try again", "Your subscription changed while confirming. Please open the link again.");
    }
    return page(200, "Subscribed", "Your subscription is confirmed.");
  }

  private HttpResponse unsubscribePage(HttpRequest request) {
    String raw = request.pathParameters().getOrDefault("token", "");
    Optional<Token> token = tokens.verify(raw, Purpose.UNSUBSCRIBE);
    if (token.isEmpty()) {
      return page(400, "Link not valid", "This unsubscribe link is not valid.");
    }
    String channel = token.get().channel() == dev.nudge.contacts.Channel.EMAIL ? "e-mails" : "text messages";
    return HttpResponse.html(200, html("Unsubscribe",
        "<p>Stop receiving " + channel + " from us?</p>"
            + "<form method=\"post\" action=\"\"><button type=\"submit\">Unsubscribe</button></form>"));
  }

  private HttpResponse unsubscribe(HttpRequest request) {
    Optional<Token> token = tokens.verify(request.pathParameters().getOrDefault("token", ""), Purpose.UNSUBSCRIBE);
    if (token.isEmpty()) {
      return page(400, "Link not valid", "This unsubscribe link is not valid.");
    }
    Optional<Contact> contact = contacts.find(token.get().contactId());
    if (contact.isEmpty()) {
      // Erased contacts have nothing left to unsubscribe: the answer is the same.
      return page(200, "Unsubscribed", "You will not receive these messages any more.");
    }
    Optional<Consent> current = contact.get().consent(token.get().channel());
    if (current.isPresent() && current.get().status() == ConsentStatus.UNSUBSCRIBED) {
      return page(200, "Unsubscribed", "You will not receive these messages any more.");
    }
    String source = request.bodyText().contains("List-Unsubscribe=One-Click") ? "one-click" : "unsubscribe-page";
    Instant now = clock.instant();
    boolean changed = contacts.changeConsent(contact.get().id(), token.get().channel(), current.orElse(null),
        new Consent(ConsentStatus.UNSUBSCRIBED, source, now));
    if (!changed && current.isPresent()) {
      // The consent changed between the read and the write: unsubscribe unconditionally.
      contacts.changeConsent(contact.get().id(), token.get().channel(), null,
          new Consent(ConsentStatus.UNSUBSCRIBED, source, now));
    }
    return page(200, "Unsubscribed", "You will not receive these messages any more.");
  }

  private static HttpResponse page(int status, String title, String message) {
    return HttpResponse.html(status, html(title, "<p>" + message + "</p>"));
  }

  private static String html(String title, String content) {
    return "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
        + "content=\"width=device-width, initial-scale=1\"><title>" + title + "</title></head><body><h1>" + title
        + "</h1>" + content + "</body></html>";
  }
}
