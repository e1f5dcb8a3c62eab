package dev.hookline.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The demo's exit status and summary line, without running the pipeline. */
class DemoSummaryTest {

  /** The README's example run: 24 sent, 5 rejected, 16 processed, 3 dead-lettered, nothing lost. */
  private static final DemoSummary GOOD = new DemoSummary(24, 19, 5, 16, 12, 3, 0, 0);

  @Test
  void countsThatAddUpWithNothingLostExitZero() {
    assertThat(GOOD.addsUp()).isTrue();
    assertThat(GOOD.exitCode()).isZero();
  }

  @Test
  void aLostWebhookExitsNonZeroEvenThoughTheCountsAddUp() {
    // One accepted request neither processed nor dead-lettered: accepted = processed + dead_lettered + lost holds.
    DemoSummary lost = new DemoSummary(24, 19, 5, 15, 12, 3, 1, 0);

    assertThat(lost.addsUp()).isTrue();
    assertThat(lost.exitCode()).isNotZero();
  }

  @Test
  void aRequestWithoutAnAnswerExitsNonZero() {
    // sent != accepted + rejected: one request got no answer at all.
    DemoSummary unanswered = new DemoSummary(24, 19, 4, 16, 12, 3, 0, 0);

    assertThat(unanswered.addsUp()).isFalse();
    assertThat(unanswered.exitCode()).isNotZero();
  }

  @Test
  void acceptedRequestsThatDoNotAddUpExitNonZero() {
    // accepted != processed + dead_lettered + lost, with lost = 0.
    DemoSummary missing = new DemoSummary(24, 19, 5, 15, 12, 3, 0, 0);

    assertThat(missing.addsUp()).isFalse();
    assertThat(missing.exitCode()).isNotZero();
  }

  @Test
  void aWebhookSettledTwiceExitsNonZero() {
    // The visible counts add up, but one delivery id was acknowledged or dead-lettered more often than accepted.
    DemoSummary twice = new DemoSummary(24, 19, 5, 16, 12, 3, 0, 1);

    assertThat(twice.addsUp()).isFalse();
    assertThat(twice.exitCode()).isNotZero();
  }

  @Test
  void aCopySqsDeliveredAgainAndSkippedIsNeitherExtraNorProcessedTwice() {
    // One request accepted; a send retried after a timeout put a second copy on the queue; the store skipped it.
    DemoSummary.PerId counted = DemoSummary.PerId.of(1, 1, 1, 0);

    assertThat(counted).isEqualTo(new DemoSummary.PerId(1, 0, 0, 0, 1));
  }

  @Test
  void duplicateRequestsSkippedByTheStoreAreProcessed() {
    // The original and three duplicate requests of one id: handled once, skipped three times.
    assertThat(DemoSummary.PerId.of(4, 1, 3, 0)).isEqualTo(new DemoSummary.PerId(4, 0, 0, 0, 0));
  }

  @Test
  void aHandlerRunTwiceIsExtra() {
    assertThat(DemoSummary.PerId.of(1, 2, 0, 0)).isEqualTo(new DemoSummary.PerId(1, 0, 0, 1, 0));
  }

  @Test
  void aProcessedWebhookAlsoInTheDlqIsExtraAndADeadLetterAloneIsNot() {
    assertThat(DemoSummary.PerId.of(1, 1, 0, 1)).isEqualTo(new DemoSummary.PerId(1, 0, 0, 1, 0));
    assertThat(DemoSummary.PerId.of(1, 0, 0, 1)).isEqualTo(new DemoSummary.PerId(0, 1, 0, 0, 0));
    assertThat(DemoSummary.PerId.of(2, 0, 0, 1)).isEqualTo(new DemoSummary.PerId(0, 1, 1, 0, 0));
  }

  @Test
  void summaryLineHasTheDocumentedFormat() {
    assertThat(GOOD.line())
        .isEqualTo("summary: sent=24 accepted=19 rejected=5 processed=16 retried=12 dead_lettered=3 lost=0");
    assertThat(new DemoSummary(1, 2, 3, 4, 5, 6, 7, 8).line())
        .isEqualTo("summary: sent=1 accepted=2 rejected=3 processed=4 retried=5 dead_lettered=6 lost=7")
        .doesNotContain("extra");
  }
}
