package io.fedge.federation.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointTest {
  static final byte[] ROOT = NaiveMerkle.leaf(new byte[] {7});
  static final String B64 = Base64.getEncoder().encodeToString(ROOT);

  @Test
  void bodyIsThreeNewlineTerminatedLinesAndParsesBack() throws NoteException {
    Checkpoint cp = new Checkpoint("fedge.example/hub-ledger", 1048576, ROOT);
    assertThat(cp.toBody()).isEqualTo("fedge.example/hub-ledger\n1048576\n" + B64 + "\n");
    assertThat(Checkpoint.parse(cp.toBody())).isEqualTo(cp);
    Checkpoint empty = new Checkpoint("fedge.example/hub-ledger", 0, Rfc9162.emptyRoot());
    assertThat(empty.toBody()).startsWith("fedge.example/hub-ledger\n0\n");
    assertThat(Checkpoint.parse(empty.toBody())).isEqualTo(empty);
  }

  @Test
  void extensionLinesRoundTrip() throws NoteException {
    Checkpoint cp = new Checkpoint("log.example/x", 5, ROOT, List.of("ext one", "ext-2"));
    assertThat(cp.toBody()).endsWith(B64 + "\next one\next-2\n");
    assertThat(Checkpoint.parse(cp.toBody()).extensions()).containsExactly("ext one", "ext-2");
  }

  @Test
  void anythingButTheStrictFormIsRejected() {
    String ok = "o.example/l\n12\n" + B64 + "\n";
    String noPad = B64.substring(0, B64.length() - 1);
    String shortRoot = Base64.getEncoder().encodeToString(new byte[31]);
    List<String> bad =
        List.of(
            ok.substring(0, ok.length() - 1),
            ok + "\n",
            ok + "ext\n\n",
            "\n12\n" + B64 + "\n",
            "o.example/l\n012\n" + B64 + "\n",
            "o.example/l\n+12\n" + B64 + "\n",
            "o.example/l\n-1\n" + B64 + "\n",
            "o.example/l\n 12\n" + B64 + "\n",
            "o.example/l\n99999999999999999999\n" + B64 + "\n",
            "o.example/l\n12\n" + noPad + "\n",
            "o.example/l\n12\n" + shortRoot + "\n",
            "o.example/l\n12\n" + B64.replace('=', '.') + "\n",
            "o.example/l\n12\n",
            "o example/l\n12\n" + B64 + "\n",
            "o+example/l\n12\n" + B64 + "\n",
            "o.example/l\r\n12\n" + B64 + "\n",
            "o.example/l\n12\n" + B64 + "\n\u0000ext\n");
    for (String body : bad) {
      assertThatThrownBy(() -> Checkpoint.parse(body))
          .as("%s", body)
          .isInstanceOf(NoteException.class)
          .extracting(e -> ((NoteException) e).reason())
          .isEqualTo(NoteException.Reason.MALFORMED);
    }
    assertThatThrownBy(() -> new Checkpoint("", 1, ROOT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint("a b", 1, ROOT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint("a", -1, ROOT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint("a", 1, new byte[31])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Checkpoint("a", 1, ROOT, List.of(""))).isInstanceOf(IllegalArgumentException.class);
  }
}
