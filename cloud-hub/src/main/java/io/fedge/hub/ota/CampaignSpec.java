package io.fedge.hub.ota;

import io.fedge.ota.rollout.MaintenanceWindow;
import io.fedge.ota.rollout.WavePlan;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code POST /api/v1/campaigns} takes. Defaults: all devices, waves 1/10/50/100 %, success
 * ratio 0.9, failure ratio 0.1, always in window, device timeout 30 minutes.
 */
public record CampaignSpec(String target, Selector selector, List<Integer> waves, Double successRatio,
    Double maxFailureRatio, Window window, String deviceTimeout) {

  /** Which devices: all of group, tags and fromVersion that are given must match. */
  public record Selector(String group, List<String> tags, String fromVersion) {}

  /** Days (MON..SUN) and local times HH:MM; the device's or its group's time zone applies. */
  public record Window(List<String> days, String start, String end) {}

  public CampaignSpec normalized() {
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException("target is required: the name of a published release");
    }
    return new CampaignSpec(target, selector == null ? new Selector(null, List.of(), null)
        : new Selector(selector.group(), selector.tags() == null ? List.of() : selector.tags(), selector.fromVersion()),
        waves == null ? List.of(1, 10, 50, 100) : waves,
        successRatio == null ? 0.9 : successRatio,
        maxFailureRatio == null ? 0.1 : maxFailureRatio,
        window, deviceTimeout == null ? "PT30M" : deviceTimeout);
  }

  public WavePlan plan() {
    return new WavePlan(waves, successRatio, maxFailureRatio);
  }

  public Duration timeout() {
    try {
      Duration d = Duration.parse(deviceTimeout);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("deviceTimeout must be positive");
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("deviceTimeout must be an ISO-8601 duration such as PT30M");
    }
  }

  public MaintenanceWindow maintenanceWindow() {
    if (window == null) {
      return MaintenanceWindow.ALWAYS;
    }
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    for (String d : window.days() == null ? List.<String>of() : window.days()) {
      days.add(day(d));
    }
    try {
      return new MaintenanceWindow(days, LocalTime.parse(window.start()), LocalTime.parse(window.end()));
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException("window start and end must be local times HH:MM");
    }
  }

  private static DayOfWeek day(String d) {
    for (DayOfWeek w : DayOfWeek.values()) {
      if (w.name().startsWith(d.toUpperCase(Locale.ROOT)) && d.length() >= 3) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown day " + d + "; use MON, TUE, WED, THU, FRI, SAT, SUN");
  }

  /** Validates every field; throws IllegalArgumentException naming the bad one. */
  public void validate() {
    plan();
    timeout();
    maintenanceWindow();
  }
}
