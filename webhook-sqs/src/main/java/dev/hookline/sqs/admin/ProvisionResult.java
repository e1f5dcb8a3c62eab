package dev.hookline.sqs.admin;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link QueueProvisioner#provision()} found and did: both queues' URLs and ARNs, which queues it created, the
 * attributes that differed from the expected values, whether it updated them, and the DLQ alarm it put.
 *
 * <p>Thread-safety: immutable.
 */
public final class ProvisionResult {

  private final String queueUrl;
  private final String queueArn;
  private final String dlqUrl;
  private final String dlqArn;
  private final List<String> created;
  private final List<AttributeDrift> drift;
  private final boolean updated;
  private final String alarmName;

  ProvisionResult(
      String queueUrl,
      String queueArn,
      String dlqUrl,
      String dlqArn,
      List<String> created,
      List<AttributeDrift> drift,
      boolean updated,
      String alarmName) {
    this.queueUrl = queueUrl;
    this.queueArn = queueArn;
    this.dlqUrl = dlqUrl;
    this.dlqArn = dlqArn;
    this.created = List.copyOf(created);
    this.drift = List.copyOf(drift);
    this.updated = updated;
    this.alarmName = alarmName;
  }

  /** {@return the main queue's URL} */
  public String queueUrl() {
    return queueUrl;
  }

  /** {@return the main queue's ARN} */
  public String queueArn() {
    return queueArn;
  }

  /** {@return the dead-letter queue's URL} */
  public String dlqUrl() {
    return dlqUrl;
  }

  /** {@return the dead-letter queue's ARN} */
  public String dlqArn() {
    return dlqArn;
  }

  /** {@return the names of the queues this run created (empty when both existed)} */
  public List<String> created() {
    return created;
  }

  /** {@return the attributes of existing queues that differed from the expected values, before any update} */
  public List<AttributeDrift> drift() {
    return drift;
  }

  /** {@return whether any drift was found} */
  public boolean hasDrift() {
    return !drift.isEmpty();
  }

  /** {@return whether drifted attributes were updated (only with {@code updateOnDrift(true)})} */
  public boolean updated() {
    return updated;
  }

  /** {@return the name of the DLQ alarm this run created or updated, if the provisioner has one} */
  public Optional<String> alarmName() {
    return Optional.ofNullable(alarmName);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ProvisionResult)) {
      return false;
    }
    ProvisionResult other = (ProvisionResult) o;
    return queueUrl.equals(other.queueUrl)
        && queueArn.equals(other.queueArn)
        && dlqUrl.equals(other.dlqUrl)
        && dlqArn.equals(other.dlqArn)
        && created.equals(other.created)
        && drift.equals(other.drift)
        && updated == other.updated
        && Objects.equals(alarmName, other.alarmName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(queueUrl, queueArn, dlqUrl, dlqArn, created, drift, updated, alarmName);
  }

  @Override
  public String toString() {
    return "ProvisionResult{queueUrl="
        + queueUrl
        + ", dlqUrl="
        + dlqUrl
        + ", created="
        + created
        + ", drift="
        + drift
        + ", updated="
        + updated
        + ", alarmName="
        + alarmName
        + '}';
  }
}
