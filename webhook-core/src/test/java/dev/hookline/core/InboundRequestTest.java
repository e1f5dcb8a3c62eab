package dev.hookline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InboundRequestTest {

  @Test
  void defaultsBuild() {
    InboundRequest r = InboundRequest.builder().build();
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/");
    assertThat(r.query()).isEmpty();
    assertThat(r.remoteAddress()).isEmpty();
    assertThat(r.bodyLength()).isZero();
  }

  @Test
  void queryParametersAreDecodedInOrderAndMalformedOnesLeftOut() {
    InboundRequest r =
        InboundRequest.builder()
            .query("hub.mode=subscribe&hub.challenge=1%2B1&v=a+b&v=%E2%82%AC&flag&bad=%zz&hub.challenge=2")
            .build();

    assertThat(r.queryParameters("hub.challenge")).containsExactly("1+1", "2");
    assertThat(r.queryParameters("v")).containsExactly("a b", "\u20ac");
    assertThat(r.queryParameters("flag")).containsExactly("");
    assertThat(r.queryParameters("bad")).isEmpty();
    assertThat(r.queryParameters("missing")).isEmpty();
    assertThat(InboundRequest.builder().build().queryParameters("v")).isEmpty();
  }

  @Test
  void methodIsKeptAsSentBecauseMethodsAreCaseSensitive() {
    assertThat(InboundRequest.builder().method("post").build().method()).isEqualTo("post");
  }

  @Test
  void buildNamesTheInvalidField() {
    assertThatThrownBy(() -> InboundRequest.builder().method("").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("method must not be blank");
    assertThatThrownBy(() -> InboundRequest.builder().method(" \t").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("method must not be blank");
    assertThatThrownBy(() -> InboundRequest.builder().path("").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path must not be blank");
    assertThatThrownBy(() -> InboundRequest.builder().path("   ").method("GET").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("path must not be blank");
  }

  @Test
  void settersRejectNullNamingTheField() {
    InboundRequest.Builder b = InboundRequest.builder();
    assertThatThrownBy(() -> b.method(null)).isInstanceOf(NullPointerException.class).hasMessage("method");
    assertThatThrownBy(() -> b.path(null)).isInstanceOf(NullPointerException.class).hasMessage("path");
    assertThatThrownBy(() -> b.query(null)).isInstanceOf(NullPointerException.class).hasMessage("query");
    assertThatThrownBy(() -> b.headers(null)).isInstanceOf(NullPointerException.class).hasMessage("headers");
    assertThatThrownBy(() -> b.body(null)).isInstanceOf(NullPointerException.class).hasMessage("body");
    assertThatThrownBy(() -> b.remoteAddress(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("remoteAddress");
    assertThat(b.build()).isEqualTo(InboundRequest.builder().build()); // a rejected value leaves the builder as it was
  }
}
