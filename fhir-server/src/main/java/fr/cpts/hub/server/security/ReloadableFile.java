package fr.cpts.hub.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configuration file kept as data, parsed once at start-up and re-read when its content changes.
 * A file that cannot be read or parsed stops the hub at start-up, and is ignored (the previous
 * value kept, an error logged under the file's code) when re-read.
 *
 * @param <T> what the file's content is parsed into
 */
final class ReloadableFile<T> {

  private static final Logger log = LoggerFactory.getLogger(ReloadableFile.class);

  private record Snapshot<T>(T value, String content) {}

  private final Path file;
  private final String code;
  private final String label;
  private final Function<String, T> parser;
  private volatile Snapshot<T> snapshot;

  private ReloadableFile(
      Path file, String code, String label, Function<String, T> parser, Snapshot<T> snapshot) {
    this.file = file;
    this.code = code;
    this.label = label;
    this.parser = parser;
    this.snapshot = snapshot;
  }

  /**
   * Reads and parses the file.
   *
   * @param code the hub code of the file's errors, such as {@code HUB-0520}
   * @param label what the file is, for messages ("the client registry")
   * @param parser throws {@link IllegalArgumentException} on content with an error
   * @throws IllegalStateException if the file cannot be read or holds an error
   */
  static <T> ReloadableFile<T> load(
      Path file, String code, String label, Function<String, T> parser) {
    try {
      String content = Files.readString(file);
      return new ReloadableFile<>(
          file, code, label, parser, new Snapshot<>(parser.apply(content), content));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          code + ": " + label + " " + file + " cannot be used: " + e.getMessage(), e);
    }
  }

  /** A value that comes from no file and never changes. */
  static <T> ReloadableFile<T> fixed(T value) {
    return new ReloadableFile<>(null, "", "", content -> value, new Snapshot<>(value, ""));
  }

  /** The value of the last content read without error. */
  T value() {
    return snapshot.value();
  }

  /**
   * Re-reads the file if its content changed; a file that cannot be read or holds an error leaves
   * the value as it was.
   *
   * @return whether the value changed
   */
  synchronized boolean refreshIfChanged() {
    if (file == null) {
      return false;
    }
    String content;
    try {
      content = Files.readString(file);
    } catch (IOException e) {
      log.error(
          "{}: cannot re-read {} {} ({}); keeping the previous one",
          code,
          label,
          file,
          e.toString());
      return false;
    }
    if (content.equals(snapshot.content())) {
      return false;
    }
    try {
      snapshot = new Snapshot<>(parser.apply(content), content);
      log.info("{} {} re-read", label, file);
      return true;
    } catch (IllegalArgumentException e) {
      log.error(
          "{}: {} {} has an error, keeping the previous one: {}",
          code,
          label,
          file,
          e.getMessage());
      return false;
    }
  }
}
