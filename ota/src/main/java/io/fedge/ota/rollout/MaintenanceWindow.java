package io.fedge.ota.rollout;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Set;

/**
 * When a device may update, in its own local time: on the given days, from {@code start}
 * (inclusive) to {@code end} (exclusive). A window whose end is before its start runs overnight
 * and belongs to the day it starts on (Mon 22:00-06:00 covers Monday night to Tuesday 06:00).
 * A dealer's opening hours are usually the window in which nobody may be disturbed: pass the
 * complement (for example 19:00-08:00).
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end) {
  public static final MaintenanceWindow ALWAYS = new MaintenanceWindow(EnumSet.allOf(DayOfWeek.class), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT);

  public MaintenanceWindow {
    if (days == null || days.isEmpty()) {
      throw new IllegalArgumentException("a maintenance window needs at least one day");
    }
    days = Set.copyOf(days);
  }

  public boolean allows(Instant now, ZoneId zone) {
    ZonedDateTime local = now.atZone(zone);
    LocalTime t = local.toLocalTime();
    DayOfWeek d = local.getDayOfWeek();
    if (start.equals(end)) {
      return days.contains(d); // the whole day
    }
    if (start.isBefore(end)) {
      return days.contains(d) && !t.isBefore(start) && t.isBefore(end);
    }
    // Overnight: the evening part on a listed day, or the morning part after a listed day.
    return (days.contains(d) && !t.isBefore(start)) || (days.contains(d.minus(1)) && t.isBefore(end));
  }
}
