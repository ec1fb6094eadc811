package fr.cpts.hub.mappers.rpps;

/**
 * An extract that cannot be read at all: no header, a header without a column every line needs, or
 * an input that fails while being read. A bad data line is never this: it is a {@link
 * RppsRejection}, and the file goes on. The message carries a stable {@code HUB-08xx} code.
 */
public final class RppsExtractException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  RppsExtractException(String message) {
    super(message);
  }

  RppsExtractException(String message, Throwable cause) {
    super(message, cause);
  }
}
