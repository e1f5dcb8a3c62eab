package dev.hookline.core;

import dev.hookline.core.signature.SignatureVerificationException;
import java.util.Optional;
import java.util.Set;

/**
 * A sender's URL handshake: a request that registers or re-checks a webhook URL and must be answered at once, never
 * enqueued and never handed to a handler. Slack's {@code url_verification}, Meta's {@code GET ?hub.challenge=..}, Zoom's
 * {@code endpoint.url_validation}, X's CRC, Dropbox's and Microsoft Graph's challenges, Twitch's
 * {@code webhook_callback_verification}, Discord's {@code PING} and Amazon SNS's {@code SubscriptionConfirmation} are
 * built in: {@code dev.hookline.core.signature.Providers} attaches them to the sources it builds.
 *
 * <p>The receiver asks a source's handshake about every request, at one of two points of its pipeline ({@link
 * WebhookReceiver}):
 *
 * <ul>
 *   <li>a handshake that is not {@link #signed()} is asked right after the size limit, before the content type and
 *       the signature: it arrives unsigned (Meta's {@code GET}) and checks its own verify token, or has nothing to
 *       check (Dropbox, Microsoft Graph);
 *   <li>a {@link #signed()} handshake is asked only once the source's verifier has accepted the request: the sender
 *       signs it like its webhooks (Slack, Zoom, Twitch, Discord, SNS).
 * </ul>
 *
 * <p>An answer is a {@link ReceiveResult.Answered} (usually 200 with the challenge) or a {@link ReceiveResult.Rejected}
 * (for example a 503 when SNS could not be reached to confirm). A refused handshake (a wrong verify token) throws a
 * {@link SignatureVerificationException}: the receiver answers 403 with a generic message and logs which check
 * failed at DEBUG. Either way the listener hears of it ({@link PipelineListener#onHandshake} or {@code onRejected}).
 *
 * <p>Implementations must be immutable and thread-safe; they must not throw anything but {@link
 * SignatureVerificationException} (anything else is logged at WARN and answered 403).
 */
public interface Handshake {

  /**
   * Returns the HTTP methods, besides {@code POST}, that this handshake arrives with, upper case: {@code GET} for
   * Meta, X, Dropbox and Microsoft Graph. The receiver answers 405 to any other method, and to these when the request
   * turns out not to be the handshake. Default: none.
   *
   * @return the methods
   */
  default Set<String> methods() {
    return Set.of();
  }

  /**
   * Returns whether the request must first pass the source's signature verifier.
   *
   * @return true for handshakes the sender signs like its webhooks
   */
  boolean signed();

  /**
   * Answers the request if it is this handshake.
   *
   * @param request the request
   * @return the answer, or empty when the request is an ordinary webhook (the receiver goes on with it)
   * @throws SignatureVerificationException when it is this handshake but is refused, for example a wrong verify token
   */
  Optional<ReceiveResult> answer(InboundRequest request);
}
