package dev.hookline.sqs;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple with a working MDC, for the tests that check Hookline's log context: slf4j-simple's own MDC adapter
 * ignores every key. Chosen with the {@code slf4j.provider} system property (see this module's surefire settings).
 */
public final class MdcSimpleLoggerProvider extends SimpleServiceProvider {

  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }
}
