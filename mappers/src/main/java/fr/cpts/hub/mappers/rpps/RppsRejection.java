package fr.cpts.hub.mappers.rpps;

/**
 * A line of the extract that was not mapped, and why, with a stable {@code HUB-08xx} code.
 *
 * @param line the line number in the file, the header being line 1
 * @param reason what is wrong with it
 */
public record RppsRejection(long line, String reason) {

  @Override
  public String toString() {
    return "line " + line + ": " + reason;
  }
}
