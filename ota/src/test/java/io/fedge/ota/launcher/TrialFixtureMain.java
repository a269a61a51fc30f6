package io.fedge.ota.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Stands in for the agent in launcher process tests (the real agent is exercised in OtaCampaignIT):
 * records which version runs with which pid in {@code <home>/running}, then exits with 3 if its
 * version starts with "crash", or runs until killed.
 */
public final class TrialFixtureMain {
  private TrialFixtureMain() {}

  public static void main(String[] args) throws Exception {
    String version = System.getenv("FEDGE_AGENT_AGENT_VERSION");
    Path home = Path.of(System.getenv("FEDGE_AGENT_OTA_HOME"));
    Path tmp = home.resolve("running.tmp");
    Files.writeString(tmp, version + " " + ProcessHandle.current().pid() + " " + System.getenv("FEDGE_AGENT_OTA_SLOT"));
    Files.move(tmp, home.resolve("running"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (version.startsWith("crash")) {
      System.exit(3);
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
