package fr.cpts.hub.mappers.rpps;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One pass over an extract, professional by professional, with its {@link #summary()} so far. It
 * holds one professional's lines at a time, plus the IDNPS of the professionals already returned
 * (to flag a professional whose lines are not all together): memory grows with the number of
 * professionals kept in the territory, never with the size of the file.
 *
 * <p>Lines are grouped by IDNPS while consecutive, as the extract writes them. A rejected line does
 * not break a group. Should a professional's lines be split, the later group comes out as a second
 * result flagged {@link RppsProfessional#continuesEarlier()} and counted in {@link
 * RppsSummary#professionalsContinued()}: nothing is lost, but the consumer must merge it.
 *
 * <p>Not thread-safe; close it (or the stream) to close the input.
 */
public final class RppsImport implements Iterator<RppsProfessional>, Closeable {

  private final RppsExtractReader reader;
  private final RppsTerritory territory;
  private final RppsProfessionalMapper mapper = new RppsProfessionalMapper();
  private final Set<String> returned = new HashSet<>();
  private final List<RppsRejection> rejections = new ArrayList<>();

  private long linesRead;
  private long linesKept;
  private long linesOutside;
  private long linesRejected;
  private long duplicates;
  private long professionals;
  private long continued;

  /** The first line of the next group, read while closing the previous one. */
  private RppsLine pending;

  private RppsProfessional next;
  private boolean finished;

  RppsImport(RppsExtractReader reader, RppsTerritory territory) {
    this.reader = reader;
    this.territory = territory;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !finished) {
      next = advance();
      finished = next == null;
    }
    return next != null;
  }

  @Override
  public RppsProfessional next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    RppsProfessional result = next;
    next = null;
    return result;
  }

  /** The professionals still to come, lazily; closing the stream closes the input. */
  public Stream<RppsProfessional> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(this::close);
  }

  /** The counts so far; final once the iteration is over. */
  public RppsSummary summary() {
    return new RppsSummary(
        linesRead,
        linesKept,
        linesOutside,
        linesRejected,
        duplicates,
        professionals,
        continued,
        rejections);
  }

  @Override
  public void close() {
    reader.close();
  }

  private RppsProfessional advance() {
    List<RppsLine> group;
    while ((group = nextGroup()) != null) {
      List<RppsLine> kept = new ArrayList<>(group.size());
      for (RppsLine line : group) {
        if (territory.contains(line)) {
          kept.add(line);
        }
      }
      linesKept += kept.size();
      linesOutside += group.size() - kept.size();
      if (kept.isEmpty()) {
        continue;
      }
      boolean again = !returned.add(group.get(0).idnps());
      RppsProfessionalMapper.Mapped mapped = mapper.map(group, kept, again);
      duplicates += mapped.duplicates();
      professionals++;
      if (again) {
        continued++;
      }
      return mapped.professional();
    }
    return null;
  }

  /** The next run of consecutive well-formed lines with the same IDNPS, or {@code null}. */
  private List<RppsLine> nextGroup() {
    RppsLine first = pending != null ? pending : nextLine();
    pending = null;
    if (first == null) {
      return null;
    }
    List<RppsLine> group = new ArrayList<>(2);
    group.add(first);
    RppsLine line;
    while ((line = nextLine()) != null) {
      if (!line.idnps().equals(first.idnps())) {
        pending = line;
        break;
      }
      group.add(line);
    }
    return group;
  }

  /** The next well-formed line, counting the rejected ones on the way; {@code null} at the end. */
  private RppsLine nextLine() {
    RppsExtractReader.Row row;
    while ((row = reader.next()) != null) {
      linesRead++;
      if (row.rejection() == null) {
        return row.line();
      }
      linesRejected++;
      if (rejections.size() < RppsSummary.MAX_REJECTIONS_KEPT) {
        rejections.add(row.rejection());
      }
    }
    return null;
  }
}
