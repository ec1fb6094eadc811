package fr.cpts.hub.server.schedule;

import fr.cpts.hub.profiles.HubIdentifiers;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Slot.SlotStatus;

/**
 * What regenerating a Schedule's slots does, computed without I/O from the slots its rule produces
 * ({@code wanted}, from {@code AvailabilitySlotGenerator}) and the slots stored for it ({@code
 * existing}). Slots are matched by the generator's deterministic identifier ({@link
 * HubIdentifiers#SLOT}, {@code <schedule key>-<yyyyMMdd'T'HHmm>}).
 *
 * <ul>
 *   <li>A wanted slot no stored slot has the identifier of is created.
 *   <li>A stored free slot with that identifier whose times or template (slot type, service type,
 *       specialty, appointment type, comment, schedule) differ is updated; one that does not differ
 *       is left as it is.
 *   <li>A stored hub-generated free slot that is no longer wanted, or a second one with the same
 *       identifier, is deleted.
 *   <li>A stored hub-generated slot that is not free (booked, or made unavailable by hand) is never
 *       changed nor deleted, even when the rule no longer produces it: it is kept ({@link
 *       #keptBusy()} lists those the hub would otherwise have changed or deleted). {@link
 *       #keeping(Set)} does the same for the slots an Appointment points at.
 *   <li>A stored slot whose identifiers were not made by the generator for this schedule (published
 *       by the practice software itself) is not looked at.
 * </ul>
 *
 * @param toCreate the wanted slots to create, by start
 * @param toUpdate the stored free slots to rewrite, each with what it must become
 * @param toDelete the stored free slots to delete
 * @param keptBusy the stored slots the rule no longer produces as they are, kept because they are
 *     not free or are booked
 * @param unchanged how many wanted slots are already stored as they should be
 */
public record SlotDiff(
    List<Slot> toCreate,
    List<Change> toUpdate,
    List<Slot> toDelete,
    List<Slot> keptBusy,
    int unchanged) {

  private static final Pattern STAMP = Pattern.compile("\\d{8}T\\d{4}");

  /** A stored slot and what it must become. */
  public record Change(Slot existing, Slot wanted) {}

  public SlotDiff {
    toCreate = List.copyOf(toCreate);
    toUpdate = List.copyOf(toUpdate);
    toDelete = List.copyOf(toDelete);
    keptBusy = List.copyOf(keptBusy);
  }

  /**
   * The diff between the slots a rule produces and those stored.
   *
   * @param wanted the generated slots (no ids; one per identifier)
   * @param existing the stored slots of the schedule (with ids); any that the generator did not
   *     make for {@code scheduleKey} are ignored
   * @param scheduleKey the schedule's key in slot identifiers ({@code
   *     AvailabilitySlotGenerator.scheduleKey})
   */
  public static SlotDiff between(
      Collection<Slot> wanted, Collection<Slot> existing, String scheduleKey) {
    Map<String, List<Slot>> stored = new LinkedHashMap<>();
    for (Slot slot : existing) {
      generatedIdentifier(slot, scheduleKey)
          .ifPresent(value -> stored.computeIfAbsent(value, v -> new ArrayList<>()).add(slot));
    }
    List<Slot> create = new ArrayList<>();
    List<Change> update = new ArrayList<>();
    List<Slot> delete = new ArrayList<>();
    List<Slot> kept = new ArrayList<>();
    int unchanged = 0;
    for (Slot slot : wanted) {
      String value = generatedIdentifier(slot, scheduleKey).orElseThrow(() -> notGenerated(slot));
      List<Slot> same = stored.remove(value);
      if (same == null) {
        create.add(slot);
        continue;
      }
      // Keep one stored slot per identifier, a booked one first; delete the free extras.
      same.sort(Comparator.comparing(s -> isFree(s) ? 1 : 0));
      Slot keep = same.get(0);
      for (Slot extra : same.subList(1, same.size())) {
        (isFree(extra) ? delete : kept).add(extra);
      }
      if (sameContent(keep, slot)) {
        unchanged++;
      } else if (isFree(keep)) {
        update.add(new Change(keep, slot));
      } else {
        kept.add(keep);
      }
    }
    for (List<Slot> unwanted : stored.values()) {
      for (Slot slot : unwanted) {
        (isFree(slot) ? delete : kept).add(slot);
      }
    }
    return new SlotDiff(create, update, delete, kept, unchanged);
  }

  /**
   * The same diff, with the slots of {@code slotIds} (id parts: those an Appointment points at)
   * moved from {@link #toUpdate()} and {@link #toDelete()} to {@link #keptBusy()}.
   */
  public SlotDiff keeping(Set<String> slotIds) {
    if (slotIds.isEmpty()) {
      return this;
    }
    List<Change> update = new ArrayList<>();
    List<Slot> delete = new ArrayList<>();
    List<Slot> kept = new ArrayList<>(keptBusy);
    for (Change change : toUpdate) {
      if (slotIds.contains(idOf(change.existing()))) {
        kept.add(change.existing());
      } else {
        update.add(change);
      }
    }
    for (Slot slot : toDelete) {
      (slotIds.contains(idOf(slot)) ? kept : delete).add(slot);
    }
    return new SlotDiff(toCreate, update, delete, kept, unchanged);
  }

  /** The id parts of the stored slots this diff would change or delete. */
  public Set<String> touchedIds() {
    return java.util.stream.Stream.concat(
            toUpdate.stream().map(Change::existing), toDelete.stream())
        .map(SlotDiff::idOf)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  /** Whether the diff changes nothing. */
  public boolean isEmpty() {
    return toCreate.isEmpty() && toUpdate.isEmpty() && toDelete.isEmpty();
  }

  /**
   * The value of the slot's identifier that the generator makes for {@code scheduleKey} ({@code
   * <scheduleKey>-yyyyMMdd'T'HHmm} in system {@link HubIdentifiers#SLOT}), if it has one.
   */
  public static Optional<String> generatedIdentifier(Slot slot, String scheduleKey) {
    String prefix = scheduleKey + "-";
    return slot.getIdentifier().stream()
        .filter(i -> HubIdentifiers.SLOT.equals(i.getSystem()))
        .map(Identifier::getValue)
        .filter(Objects::nonNull)
        .filter(v -> v.startsWith(prefix))
        .filter(v -> STAMP.matcher(v.substring(prefix.length())).matches())
        .findFirst();
  }

  private static boolean isFree(Slot slot) {
    return slot.getStatus() == SlotStatus.FREE;
  }

  /** Same times, same schedule, same template: nothing to rewrite. Status is not compared. */
  static boolean sameContent(Slot stored, Slot wanted) {
    return Objects.equals(time(stored.getStart()), time(wanted.getStart()))
        && Objects.equals(time(stored.getEnd()), time(wanted.getEnd()))
        && Objects.equals(
            stored.getSchedule().getReferenceElement().toUnqualifiedVersionless().getValue(),
            wanted.getSchedule().getReferenceElement().toUnqualifiedVersionless().getValue())
        && codes(stored.getMeta().getSecurity()).equals(codes(wanted.getMeta().getSecurity()))
        // allowNull: two empty lists (no specialty) are the same
        && Base.compareDeep(stored.getServiceType(), wanted.getServiceType(), true)
        && Base.compareDeep(stored.getSpecialty(), wanted.getSpecialty(), true)
        && Base.compareDeep(stored.getAppointmentType(), wanted.getAppointmentType(), true)
        && Objects.equals(stored.getComment(), wanted.getComment());
  }

  private static Long time(java.util.Date date) {
    return date == null ? null : date.getTime();
  }

  private static Set<String> codes(List<Coding> codings) {
    return codings.stream().map(c -> c.getSystem() + "|" + c.getCode()).collect(Collectors.toSet());
  }

  private static String idOf(Slot slot) {
    return slot.getIdElement().getIdPart();
  }

  private static IllegalArgumentException notGenerated(Slot slot) {
    return new IllegalArgumentException(
        "a wanted slot must carry the generator's identifier, not " + slot.getIdentifier());
  }
}
