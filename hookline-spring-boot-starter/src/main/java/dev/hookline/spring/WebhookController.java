package dev.hookline.spring;

import dev.hookline.core.InboundRequest;
import dev.hookline.core.ReceiveResult;
import dev.hookline.core.WebhookHeaders;
import dev.hookline.core.WebhookReceiver;
import dev.hookline.core.WebhookSource;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The route {@code /webhooks/{source}} ({@code hookline.route.path}): hands the raw request to the {@link
 * WebhookReceiver} and answers with its {@link ReceiveResult}: the status (202 once SQS has the webhook), the result's
 * headers ({@code Retry-After} on 429 and 503) and its body, a small JSON document or a handshake's answer. Every
 * method reaches the receiver, which answers a provider's {@code GET} handshake (Meta's {@code ?hub.challenge=}, X's
 * CRC, ...) and 405 to anything else that is not a {@code POST}.
 *
 * <p>The body is read as raw bytes from the servlet request, never through a message converter: signatures are over
 * the exact bytes, and for an {@code application/x-www-form-urlencoded} POST Spring would rebuild the body from the
 * parsed parameters ({@code %20} becomes {@code +}). At most the source's limit plus one byte is read; a declared
 * {@code Content-Length} over the limit is refused before reading at all. The response completes asynchronously when
 * the enqueuer confirms, so no servlet thread waits for SQS.
 *
 * <p>Replace it by defining a bean of this type (for example a subclass with other mappings). Thread-safety:
 * stateless apart from the immutable receiver.
 */
@RestController
public class WebhookController {

  private final WebhookReceiver receiver;

  /**
   * Creates the controller.
   *
   * @param receiver the receiver
   */
  public WebhookController(WebhookReceiver receiver) {
    this.receiver = Objects.requireNonNull(receiver, "receiver");
  }

  /**
   * Receives one webhook.
   *
   * @param source the source name from the path
   * @param request the servlet request, for the headers and the raw body
   * @return the response, once the receiver has decided
   * @throws IOException when the body cannot be read
   */
  @RequestMapping("${hookline.route.path:/webhooks/{source}}")
  public CompletionStage<ResponseEntity<String>> receive(
      @PathVariable("source") String source, HttpServletRequest request) throws IOException {
    InboundRequest.Builder inbound =
        InboundRequest.builder()
            .method(request.getMethod())
            .path(request.getRequestURI())
            .headers(headers(request));
    if (request.getQueryString() != null) {
      inbound.query(request.getQueryString());
    }
    if (request.getRemoteAddr() != null) {
      inbound.remoteAddress(request.getRemoteAddr());
    }

    Optional<WebhookSource> configured = receiver.source(source);
    if (configured.isPresent() && "POST".equals(request.getMethod())) {
      int limit = configured.get().maxBodyBytes();
      long declared = request.getContentLengthLong();
      if (declared > limit) {
        return CompletableFuture.completedFuture(toResponse(receiver.rejectOversized(source, declared)));
      }
      try (InputStream in = request.getInputStream()) {
        inbound.body(in.readNBytes(limit + 1));
      }
    }
    // An unknown source or another method needs no body: the receiver answers 404, 405 or a GET handshake.
    return receiver.receive(source, inbound.build()).thenApply(WebhookController::toResponse);
  }

  private static WebhookHeaders headers(HttpServletRequest request) {
    WebhookHeaders.Builder headers = WebhookHeaders.builder();
    for (String name : Collections.list(request.getHeaderNames())) {
      for (String value : Collections.list(request.getHeaders(name))) {
        headers.add(name, value);
      }
    }
    return headers.build();
  }

  /** The status, the result's headers and its body. */
  static ResponseEntity<String> toResponse(ReceiveResult result) {
    HttpHeaders headers = new HttpHeaders();
    result.headers().forEach(headers::set);
    return ResponseEntity.status(result.status()).headers(headers).body(result.body());
  }
}
