package fr.cpts.hub.importer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Where the delta sync resumes: a small text file holding one instant (ISO-8601, e.g. {@code
 * 2026-12-01T22:14:03.120Z}), the latest {@code meta.lastUpdated} of the professionals a complete
 * run read from the national directory. Written once a run has read and written everything, by
 * writing a sibling file and moving it over the old one (atomically where the file system can), so
 * that a run cut short leaves the previous watermark whole and the next run does its work again.
 */
final class Watermark {

  static final String UNREADABLE = "HUB-0754";

  private final Path file;

  Watermark(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /** The instant written, or empty when the file does not exist yet. */
  Optional<Instant> read() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(Files.readString(file, StandardCharsets.UTF_8).trim()));
    } catch (IOException | DateTimeParseException e) {
      throw new IllegalStateException(
          UNREADABLE
              + ": the watermark file "
              + file
              + " cannot be read as an instant ("
              + e.getMessage()
              + "); fix it, or delete it and give --since",
          e);
    }
  }

  void write(Instant watermark) {
    Path parent = file.toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
      Path next = Files.createTempFile(parent, file.getFileName().toString(), ".next");
      Files.writeString(next, watermark.toString() + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          UNREADABLE + ": the watermark file " + file + " cannot be written (" + e + ")", e);
    }
  }
}
