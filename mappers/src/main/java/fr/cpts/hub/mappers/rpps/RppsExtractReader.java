package fr.cpts.hub.mappers.rpps;

import fr.cpts.hub.profiles.FrIdentifiers;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads the extract line by line, in bounded memory: {@code |}-separated, no quoting (a {@code "}
 * is an ordinary character there), one header line naming the columns, a trailing {@code |} on
 * every line (tolerated when missing), an optional byte-order mark. Columns are found by their
 * header name, never by position.
 *
 * <p>A data line is rejected, with its line number and a reason, when it has not as many fields as
 * the header has columns, or lacks what every mapped line needs: an IDNPS of the RPPS kind ({@code
 * 8} + 11 digits), consistent with {@code Identifiant PP} when that is an RPPS number; a {@code Nom
 * d'exercice}; a {@code Code profession}. Empty lines are skipped and not counted.
 */
final class RppsExtractReader implements Closeable {

  private static final Pattern IDNPS_RPPS = Pattern.compile("8[0-9]{11}");

  /** No quote, no escape: the extract's fields are raw text between pipes. */
  private static final CSVFormat FORMAT =
      CSVFormat.Builder.create()
          .setDelimiter('|')
          .setQuote(null)
          .setEscape(null)
          .setIgnoreEmptyLines(false)
          .setIgnoreSurroundingSpaces(false)
          .get();

  private static final RppsColumn[] COLUMNS = RppsColumn.values();

  /** A line read: either a line to map or a rejection. */
  record Row(RppsLine line, RppsRejection rejection) {}

  private final CSVParser parser;
  private final Iterator<CSVRecord> records;

  /** Index in the record of each column, by ordinal; -1 when the header lacks it. */
  private final int[] index = new int[COLUMNS.length];

  /**
   * How many columns the header names (a trailing empty name, from the trailing pipe, excluded).
   */
  private final int width;

  RppsExtractReader(Reader extract) {
    try {
      this.parser = CSVParser.parse(extract, FORMAT);
    } catch (IOException e) {
      throw new RppsExtractException("HUB-0802: the RPPS extract cannot be read: " + e, e);
    }
    this.records = parser.iterator();
    this.width = readHeader();
  }

  private int readHeader() {
    CSVRecord header = nextRecord();
    while (header != null && isEmpty(header)) {
      header = nextRecord();
    }
    if (header == null) {
      throw new RppsExtractException("HUB-0801: the RPPS extract is empty: no header line");
    }
    List<String> names = new ArrayList<>(header.size());
    header.forEach(names::add);
    if (!names.isEmpty() && names.get(0).startsWith("\uFEFF")) {
      names.set(0, names.get(0).substring(1));
    }
    int named = names.size();
    if (named > 1 && names.get(named - 1).isBlank()) {
      named--;
    }
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < named; i++) {
      positions.putIfAbsent(names.get(i).trim(), i);
    }
    List<String> missing = new ArrayList<>();
    for (RppsColumn column : COLUMNS) {
      index[column.ordinal()] = positions.getOrDefault(column.header(), -1);
      if (column.isRequired() && index[column.ordinal()] < 0) {
        missing.add(column.header());
      }
    }
    if (!missing.isEmpty()) {
      throw new RppsExtractException(
          "HUB-0801: the header line of the RPPS extract lacks the column(s) "
              + missing
              + "; is this a PS_LibreAcces_Personne_activite file?");
    }
    return named;
  }

  /** The next data line, mapped or rejected; {@code null} at the end of the file. */
  Row next() {
    CSVRecord record;
    while ((record = nextRecord()) != null) {
      if (!isEmpty(record)) {
        return row(record);
      }
    }
    return null;
  }

  private Row row(CSVRecord record) {
    // Without quoting a record is one physical line: its number is the line number.
    long number = record.getRecordNumber();
    int size = record.size();
    boolean trailingPipe = size == width + 1 && record.get(width).isBlank();
    if (size != width && !trailingPipe) {
      return rejected(
          number,
          "HUB-0803: "
              + size
              + " fields where the header names "
              + width
              + " columns (a trailing | included: "
              + (width + 1)
              + ")");
    }
    String[] values = new String[COLUMNS.length];
    for (RppsColumn column : COLUMNS) {
      int at = index[column.ordinal()];
      if (at >= 0) {
        String value = record.get(at).trim();
        values[column.ordinal()] = value.isEmpty() ? null : value;
      }
    }
    RppsLine line = new RppsLine(number, values);
    String problem = problem(line);
    return problem == null ? new Row(line, null) : rejected(number, problem);
  }

  /** What makes a well-formed line unmappable, or {@code null}. */
  private static String problem(RppsLine line) {
    String idnps = line.get(RppsColumn.IDENTIFICATION_NATIONALE_PP);
    if (idnps == null) {
      return missing(RppsColumn.IDENTIFICATION_NATIONALE_PP);
    }
    if (!IDNPS_RPPS.matcher(idnps).matches()) {
      return "HUB-0805: '"
          + RppsColumn.IDENTIFICATION_NATIONALE_PP.header()
          + "' is \""
          + idnps
          + "\", not 8 followed by the 11 digits of an RPPS number (the hub keeps"
          + " RPPS-identified professionals only)";
    }
    String type = line.get(RppsColumn.TYPE_IDENTIFIANT_PP);
    String identifier = line.get(RppsColumn.IDENTIFIANT_PP);
    if (FrIdentifiers.IDNPS_RPPS_PREFIX.equals(type)
        && identifier != null
        && !idnps.equals(FrIdentifiers.IDNPS_RPPS_PREFIX + identifier)) {
      return "HUB-0806: '"
          + RppsColumn.IDENTIFIANT_PP.header()
          + "' "
          + identifier
          + " is not the RPPS number of IDNPS "
          + idnps;
    }
    if (!line.has(RppsColumn.NOM_EXERCICE)) {
      return missing(RppsColumn.NOM_EXERCICE);
    }
    if (!line.has(RppsColumn.CODE_PROFESSION)) {
      return missing(RppsColumn.CODE_PROFESSION);
    }
    return null;
  }

  private static String missing(RppsColumn column) {
    return "HUB-0804: no value in the required column '" + column.header() + "'";
  }

  private static Row rejected(long number, String reason) {
    return new Row(null, new RppsRejection(number, reason));
  }

  private static boolean isEmpty(CSVRecord record) {
    return record.size() == 1 && record.get(0).isBlank();
  }

  private CSVRecord nextRecord() {
    try {
      return records.hasNext() ? records.next() : null;
    } catch (UncheckedIOException | IllegalStateException e) {
      throw new RppsExtractException(
          "HUB-0802: the RPPS extract cannot be read after line "
              + parser.getRecordNumber()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    try {
      parser.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
