package dev.hookline.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Immutable, multi-valued HTTP headers with case-insensitive names.
 *
 * <p>Names keep the spelling they arrived with (the first spelling seen wins) but every lookup ignores case, as
 * HTTP requires. {@link #toString()} redacts the values of credential and signature headers, so a header set can be
 * logged safely.
 *
 * <p>Thread-safety: instances are immutable and safe to share.
 *
 * <pre>{@code
 * WebhookHeaders headers = WebhookHeaders.builder()
 *     .add("Content-Type", "application/json")
 *     .add("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
 *     .build();
 * headers.first("content-type"); // Optional[application/json]
 * }</pre>
 */
public final class WebhookHeaders {

  private static final WebhookHeaders EMPTY = new WebhookHeaders(new LinkedHashMap<>());

  /**
   * The lower-case names of the credential headers that are never kept on a webhook nor carried to the queue,
   * whatever is configured: {@code authorization}, {@code proxy-authorization} and {@code cookie}. The receiver drops
   * them, and the envelope codec leaves them out even of a webhook built by hand.
   */
  public static final Set<String> NEVER_KEPT = Set.of("authorization", "proxy-authorization", "cookie");

  /**
   * The lower-case names of the headers that carry a caller's credentials rather than anything about the webhook:
   * {@code authorization}, {@code proxy-authorization}, {@code cookie}, {@code set-cookie} and {@code x-api-key} (API
   * Gateway's API key). {@link #toString()} never prints their values, and the API Gateway direct integration refuses
   * to carry them to the queue. Compare names with {@link #isCredential(String)}, which ignores case.
   */
  public static final Set<String> CREDENTIALS = union(NEVER_KEPT, Set.of("set-cookie", "x-api-key"));

  /** Names (lower case) whose values {@link #toString()} never prints: credentials and signatures. */
  private static final Set<String> REDACTED =
      union(
          CREDENTIALS,
          Set.of(
              "webhook-signature",
              "svix-signature",
              "x-hub-signature",
              "x-hub-signature-256",
              "stripe-signature",
              "x-shopify-hmac-sha256",
              "x-slack-signature"));

  /** Lower-case name → entry holding the original spelling and the values in arrival order. */
  private final Map<String, Entry> entries;

  private WebhookHeaders(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /** {@return the empty header set} */
  public static WebhookHeaders empty() {
    return EMPTY;
  }

  /** {@return a new builder} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Copies a map of names to values. Names that differ only in case are merged, in iteration order.
   *
   * @param headers names to values; neither may be null
   * @return the header set
   */
  public static WebhookHeaders of(Map<String, ? extends List<String>> headers) {
    Objects.requireNonNull(headers, "headers");
    Builder builder = builder();
    headers.forEach((name, values) -> values.forEach(value -> builder.add(name, value)));
    return builder.build();
  }

  /**
   * Returns the first value of the named header.
   *
   * @param name the header name, in any case
   * @return the first value, or empty when the header is absent
   */
  public Optional<String> first(String name) {
    Entry entry = entries.get(lower(name));
    return entry == null ? Optional.empty() : Optional.of(entry.values.get(0));
  }

  /**
   * Returns every value of the named header, in arrival order.
   *
   * @param name the header name, in any case
   * @return the values; empty when the header is absent
   */
  public List<String> all(String name) {
    Entry entry = entries.get(lower(name));
    return entry == null ? List.of() : entry.values;
  }

  /**
   * {@return whether the named header is present, ignoring case}
   *
   * @param name the header name, in any case
   */
  public boolean contains(String name) {
    return entries.containsKey(lower(name));
  }

  /** {@return the header names as first spelled, in arrival order} */
  public List<String> names() {
    List<String> names = new ArrayList<>(entries.size());
    entries.values().forEach(e -> names.add(e.name));
    return Collections.unmodifiableList(names);
  }

  /** {@return the headers as an ordered map of names (as first spelled) to their values} */
  public Map<String, List<String>> asMap() {
    Map<String, List<String>> map = new LinkedHashMap<>();
    entries.values().forEach(e -> map.put(e.name, e.values));
    return Collections.unmodifiableMap(map);
  }

  /** {@return the number of distinct header names} */
  public int size() {
    return entries.size();
  }

  /** {@return whether there are no headers} */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** {@return a builder that starts with these headers} */
  public Builder toBuilder() {
    Builder builder = builder();
    entries.values().forEach(e -> e.values.forEach(v -> builder.add(e.name, v)));
    return builder;
  }

  /**
   * Returns whether a header's value must never be logged: credentials and signature headers.
   *
   * @param name the header name, in any case
   * @return true when the value is secret or a signature
   */
  public static boolean isSensitive(String name) {
    return REDACTED.contains(lower(name));
  }

  /**
   * Returns whether a header carries a caller's credentials (one of {@link #CREDENTIALS}, in any case).
   *
   * @param name the header name, in any case
   * @return true for {@code Authorization}, {@code Cookie} and the other credential headers
   */
  public static boolean isCredential(String name) {
    return CREDENTIALS.contains(lower(name));
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof WebhookHeaders)) {
      return false;
    }
    WebhookHeaders other = (WebhookHeaders) o;
    if (!entries.keySet().equals(other.entries.keySet())) {
      return false;
    }
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      if (!e.getValue().values.equals(other.entries.get(e.getKey()).values)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      h += e.getKey().hashCode() ^ e.getValue().values.hashCode();
    }
    return h;
  }

  /** Prints names and values, with credential and signature values replaced by {@code ██}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("WebhookHeaders{");
    boolean firstEntry = true;
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      if (!firstEntry) {
        sb.append(", ");
      }
      firstEntry = false;
      sb.append(e.getValue().name).append('=');
      sb.append(REDACTED.contains(e.getKey()) ? "██" : String.join(",", e.getValue().values));
    }
    return sb.append('}').toString();
  }

  private static String lower(String name) {
    return Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT);
  }

  private static final class Entry {
    final String name;
    final List<String> values;

    Entry(String name, List<String> values) {
      this.name = name;
      this.values = values;
    }
  }

  /** Collects headers; not thread-safe. */
  public static final class Builder {
    private final Map<String, String> spelling = new LinkedHashMap<>();
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Appends a value to the named header.
     *
     * @param name the header name
     * @param value the value
     * @return this builder
     */
    public Builder add(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      String key = lower(name);
      spelling.putIfAbsent(key, name);
      values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
      return this;
    }

    /**
     * Replaces every value of the named header with one value.
     *
     * @param name the header name
     * @param value the value
     * @return this builder
     */
    public Builder set(String name, String value) {
      remove(name);
      return add(name, value);
    }

    /**
     * Removes the named header.
     *
     * @param name the header name, in any case
     * @return this builder
     */
    public Builder remove(String name) {
      String key = lower(name);
      spelling.remove(key);
      values.remove(key);
      return this;
    }

    /** {@return the immutable header set} */
    public WebhookHeaders build() {
      if (values.isEmpty()) {
        return EMPTY;
      }
      Map<String, Entry> entries = new LinkedHashMap<>();
      values.forEach((key, v) -> entries.put(key, new Entry(spelling.get(key), List.copyOf(v))));
      return new WebhookHeaders(Collections.unmodifiableMap(entries));
    }
  }
}
