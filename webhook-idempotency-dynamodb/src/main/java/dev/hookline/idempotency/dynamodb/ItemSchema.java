package dev.hookline.idempotency.dynamodb;

/**
 * The table's item layout, shared by the store and the provisioner. One item per delivery id:
 *
 * <ul>
 *   <li>{@code id} (S) — the delivery id, the partition key;
 *   <li>{@code status} (S) — {@code IN_PROGRESS} or {@code COMPLETED};
 *   <li>{@code holder} (S) — the token of the claim that wrote it;
 *   <li>{@code expiresAt} (N) — epoch milliseconds: when the claim lapses or the completion is forgotten. The store
 *       decides by it, since DynamoDB deletes expired items only eventually (typically within days);
 *   <li>{@code ttl} (N) — the same instant in epoch seconds, rounded up: the table's TTL attribute, so DynamoDB
 *       deletes the item some time after it expired.
 * </ul>
 */
final class ItemSchema {

  static final String ID = "id";
  static final String STATUS = "status";
  static final String HOLDER = "holder";
  static final String EXPIRES_AT = "expiresAt";
  static final String TTL = "ttl";

  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";

  private ItemSchema() {}

  /**
   * Checks a table name against DynamoDB's rule: 3 to 255 characters of letters, digits, {@code _}, {@code -} and
   * {@code .}.
   *
   * @throws IllegalArgumentException starting with {@code tableName}
   */
  static void checkTableName(String tableName) {
    if (tableName == null || !tableName.matches("[a-zA-Z0-9_.-]{3,255}")) {
      throw new IllegalArgumentException(
          "tableName must be 3 to 255 characters of letters, digits, '_', '-' and '.', was "
              + (tableName == null ? "unset" : "'" + tableName + "'"));
    }
  }
}
