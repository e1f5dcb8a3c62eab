package com.example.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runnable CLI jar as published ({@code dev.hookline:hookline-cli:<version>:jar:all}, copied from the local
 * repository by the build), run the way a user runs it: {@code java -jar hookline.jar ...}.
 */
class CliJarTest {

  private static final Path JAR = Path.of(System.getProperty("hookline.cliJar"));
  private static final String VERSION = System.getProperty("hookline.version");

  /** One run's exit code and standard output; standard input is empty (no terminal). */
  record Run(int exit, String out) {}

  private static Run hookline(String... args) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectErrorStream(true)
            .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("hookline %s ended", String.join(" ", args)).isTrue();
    return new Run(process.exitValue(), out);
  }

  @Test
  void versionIsTheReleasedVersion() throws Exception {
    assertThat(JAR).exists();
    assertThat(Files.size(JAR)).isGreaterThan(1_000_000); // the dependencies are inside

    Run r = hookline("--version");

    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out().lines().findFirst()).hasValue("hookline " + VERSION);
  }

  @Test
  void completionScriptAndUsageErrors() throws Exception {
    Run completion = hookline("generate-completion");
    Run noSecret = hookline("send-test", "--url", "http://127.0.0.1:1/webhooks/github", "--scheme", "github");

    assertThat(completion.exit()).isZero();
    assertThat(completion.out()).contains("complete -F _complete_hookline");
    assertThat(noSecret.exit()).isEqualTo(2);
    assertThat(noSecret.out()).contains("Missing secret: set HOOKLINE_SECRET");
  }
}
