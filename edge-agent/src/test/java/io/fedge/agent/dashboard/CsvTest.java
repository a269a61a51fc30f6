package io.fedge.agent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
  @Test
  void quotesEveryFieldAndDoublesQuotes() {
    assertThat(Csv.row(List.of("a", "b,c", "say \"hi\"", "line\nbreak"))).isEqualTo("\"a\",\"b,c\",\"say \"\"hi\"\"\",\"line\nbreak\"\r\n");
  }

  @Test
  void aQuarantinedCellCannotRunAsASpreadsheetFormula() {
    assertThat(Csv.row(List.of("=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "ok")))
        .isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\",\"'+1\",\"'-2\",\"'@SUM(A1)\",\"'\tx\",\"ok\"\r\n");
  }

  @Test
  void aMissingValueIsAnEmptyField() {
    assertThat(Csv.row(java.util.Arrays.asList("x", null))).isEqualTo("\"x\",\"\"\r\n");
  }
}
