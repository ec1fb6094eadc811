package fr.cpts.hub.mappers.ical;

import java.util.OptionalInt;

/**
 * An iCalendar file the hub cannot turn into availability: unreadable, or holding something the FR
 * Core availability-time extension cannot carry. Its message says what and where (the line when the
 * parser knows it, else the component and its UID), with a stable {@code HUB-07xx} code.
 */
public final class IcsImportException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int line;

  IcsImportException(String message) {
    this(message, 0, null);
  }

  IcsImportException(String message, Throwable cause) {
    this(message, 0, cause);
  }

  IcsImportException(String message, int line, Throwable cause) {
    super(message, cause);
    this.line = line;
  }

  /** The line of the file where parsing failed, when the parser knows it. */
  public OptionalInt line() {
    return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
  }
}
