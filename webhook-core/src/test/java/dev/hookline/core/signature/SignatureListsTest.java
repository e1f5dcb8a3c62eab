package dev.hookline.core.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SignatureListsTest {

  @Test
  void parsesStripeStyleEntriesSkippingJunk() {
    assertThat(SignatureLists.parse(" t=1, v1=a=b ,,=x,novalue,v0=", ',', '='))
        .containsExactly(Map.entry("t", "1"), Map.entry("v1", "a=b"), Map.entry("v0", ""));
  }

  @Test
  void parsesStandardWebhooksStyleEntries() {
    assertThat(SignatureLists.parse("v1,abc=  v1a,def ", ' ', ','))
        .containsExactly(Map.entry("v1", "abc="), Map.entry("v1a", "def"));
    assertThat(SignatureLists.parse("", ' ', ',')).isEmpty();
  }

  @Test
  void codecRejectsMalformedInputWithoutThrowing() {
    assertThat(Codec.hex("abc")).isNull();
    assertThat(Codec.hex("zz")).isNull();
    assertThat(Codec.hex("ABff")).containsExactly(0xab, 0xff);
    assertThat(Codec.base64("***")).isNull();
    assertThat(Codec.base64("")).isNull();
  }
}
