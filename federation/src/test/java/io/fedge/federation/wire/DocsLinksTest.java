package io.fedge.federation.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Relative links in README.md and docs/*.md lead to files that exist (a renamed doc breaks no link). */
class DocsLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

  @Test
  void everyRelativeLinkInTheDocsPointsToAnExistingFile() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<Path> pages = new ArrayList<>();
    pages.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(pages::add);
    }
    // Guard: the pages were found.
    assertThat(pages).contains(root.resolve("docs").resolve("protocol.md")).hasSizeGreaterThanOrEqualTo(10);
    int checked = 0;
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      Matcher m = LINK.matcher(Files.readString(page));
      while (m.find()) {
        String link = m.group(1);
        if (link.matches("[a-z]+:.*") || link.startsWith("#")) {
          continue; // external URLs and same-page anchors
        }
        String file = link.contains("#") ? link.substring(0, link.indexOf('#')) : link;
        checked++;
        if (!Files.exists(page.getParent().resolve(file).normalize())) {
          broken.add(root.relativize(page) + " -> " + link);
        }
      }
    }
    assertThat(checked).as("guard: links were checked").isGreaterThan(20);
    assertThat(broken).as("links to files that do not exist").isEmpty();
  }
}
