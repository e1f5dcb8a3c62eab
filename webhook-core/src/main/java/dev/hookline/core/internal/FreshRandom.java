package dev.hookline.core.internal;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The default source of jitter: a generator seeded from {@link SecureRandom} on its first draw, not when it is
 * created, and safe to share between threads.
 *
 * <p>Seeding on first use matters for AWS Lambda SnapStart: objects built during INIT are restored from one snapshot
 * into many execution environments, so a generator seeded at construction would draw the same jitter everywhere, and
 * retries would line up again. A backoff draws only after a failure, long after restore; {@link SecureRandom} is the
 * source Lambda documents as unique after restore.
 *
 * <p>Thread-safety: thread-safe; draws are serialized.
 */
public final class FreshRandom implements RandomGenerator {

  private SplittableRandom delegate;

  @Override
  public synchronized long nextLong() {
    if (delegate == null) {
      delegate = new SplittableRandom(new SecureRandom().nextLong());
    }
    return delegate.nextLong();
  }
}
