package dev.hookline.core.signature;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The module README's provider table lists every preset, and says "official" exactly where the test has one. */
class ProviderReadmeTest {

  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\|(.*)\\| (official|oracle)[^|]*\\|$");

  @Test
  void everyPresetHasARowThatSaysWhereItsTestVectorComesFrom() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    Map<String, String> rows = new LinkedHashMap<>();
    Matcher m = ROW.matcher(readme);
    while (m.find()) {
      rows.put(m.group(1), m.group(3));
    }

    assertThat(rows.keySet()).containsExactlyElementsOf(Providers.names());
    ProviderCases.CASES.forEach(
        (name, c) -> assertThat(rows.get(name)).as(name).isEqualTo(c.vector != null ? "official" : "oracle"));
    assertThat(rows.get("sns")).isEqualTo("oracle");
  }
}
