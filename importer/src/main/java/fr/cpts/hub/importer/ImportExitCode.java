package fr.cpts.hub.importer;

/** The exit codes of the import command, stable for the scripts that run it. */
public final class ImportExitCode {

  /** Everything read was written (lines the mapper rejected are reported, not an error). */
  public static final int OK = 0;

  /** The hub refused some professionals (the others were written). */
  public static final int REFUSED_BY_HUB = 1;

  /** Invalid options (picocli's own code for a usage error). */
  public static final int USAGE = 2;

  /** The hub could not be reached: nothing more was written. */
  public static final int HUB_UNREACHABLE = 3;

  /** The extract could not be read to its end: what was read was written, nobody deactivated. */
  public static final int EXTRACT_UNREADABLE = 4;

  /** Everything was written but the deactivation was refused by its guard. */
  public static final int DEACTIVATION_REFUSED = 5;

  /** Delta sync: the national directory refused the API key (401 or 403); nothing was read. */
  public static final int API_KEY_REFUSED = 6;

  /**
   * Delta sync: the national directory stayed unavailable (429, 5xx, no connection) after every
   * retry, or refused the query: what was read was written, the watermark was not moved.
   */
  public static final int API_UNAVAILABLE = 7;

  private ImportExitCode() {}
}
