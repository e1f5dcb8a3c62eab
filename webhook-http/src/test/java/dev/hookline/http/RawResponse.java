package dev.hookline.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A response read off a raw socket: status line, headers and a {@code Content-Length} body. */
final class RawResponse {
  final String statusLine;
  final int status;
  final List<String> headers;
  final String body;

  private RawResponse(String statusLine, List<String> headers, String body) {
    this.statusLine = statusLine;
    this.status = Integer.parseInt(statusLine.substring(9, 12));
    this.headers = headers;
    this.body = body;
  }

  /** Reads one response; returns empty when the server closed the connection before a status line. */
  static Optional<RawResponse> read(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) {
      return Optional.empty();
    }
    List<String> headers = new ArrayList<>();
    long length = 0;
    for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
      headers.add(line);
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(line.substring("content-length:".length()).trim());
      }
    }
    byte[] body = in.readNBytes((int) length);
    return Optional.of(new RawResponse(statusLine, headers, new String(body, StandardCharsets.UTF_8)));
  }

  /** Reads one response, failing when the connection closed first. */
  static RawResponse readOne(InputStream in) throws IOException {
    return read(in).orElseThrow(() -> new AssertionError("connection closed before a response"));
  }

  Optional<String> header(String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    return headers.stream()
        .filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
        .map(h -> h.substring(prefix.length()).trim())
        .findFirst();
  }

  boolean closes() {
    return header("Connection").map(v -> v.equalsIgnoreCase("close")).orElse(false);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        String s = out.toString(StandardCharsets.US_ASCII);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      out.write(c);
    }
    return out.size() == 0 ? null : out.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public String toString() {
    return statusLine + " " + headers + " " + body;
  }
}
