package io.fedge.federation.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SignedNoteTest {
  static final NoteSigner HUB = NoteSigner.generate("fedge.example/hub-ledger");
  static final NoteSigner OTHER = NoteSigner.generate("fedge.example/witness");
  static final NoteSigner IMPOSTOR = NoteSigner.generate("fedge.example/hub-ledger");
  static final String TEXT =
      new Checkpoint("fedge.example/hub-ledger", 3, NaiveMerkle.leaf(new byte[0])).toBody();

  @Test
  void signedNoteOpensToItsTextWithTheRightKey() throws NoteException {
    String note = SignedNote.sign(TEXT, HUB);
    assertThat(note).startsWith(TEXT + "\n\u2014 fedge.example/hub-ledger ").endsWith("\n");
    assertThat(SignedNote.open(note, HUB.verifier())).isEqualTo(TEXT);
    assertThat(Checkpoint.parse(SignedNote.open(note, HUB.verifier())).size()).isEqualTo(3);
    assertThat(SignedNote.open(note.getBytes(StandardCharsets.UTF_8), List.of(HUB.verifier()))).isEqualTo(TEXT);
    String sigLine = note.substring(TEXT.length() + 1);
    byte[] blob = Base64.getDecoder().decode(sigLine.substring(sigLine.lastIndexOf(' ') + 1).trim());
    assertThat(blob).hasSize(4 + 64);
    assertThat(ByteBuffer.wrap(blob).getInt()).isEqualTo(HUB.keyId());
  }

  @Test
  void keyIdIsTheSpecHashOfNameNewlineTypeAndKey() {
    byte[] expected =
        NaiveMerkle.sha256(
            "fedge.example/hub-ledger".getBytes(StandardCharsets.UTF_8),
            new byte[] {0x0a, 0x01},
            HUB.verifier().publicKey());
    assertThat(HUB.keyId()).isEqualTo(ByteBuffer.wrap(expected).getInt());
    String vkey = HUB.verifier().encode();
    String prefix = "fedge.example/hub-ledger+" + HexFormat.of().formatHex(expected, 0, 4) + "+";
    assertThat(vkey).startsWith(prefix);
    byte[] typed = Base64.getDecoder().decode(vkey.substring(prefix.length()));
    assertThat(typed).hasSize(33).startsWith(0x01);
    assertThat(java.util.Arrays.copyOfRange(typed, 1, 33)).isEqualTo(HUB.verifier().publicKey());
  }

  @Test
  void verifierKeyTextRoundTripsAndRejectsMismatches() throws NoteException {
    NoteVerifier parsed = NoteVerifier.parse(HUB.verifier().encode());
    assertThat(parsed.keyId()).isEqualTo(HUB.keyId());
    assertThat(parsed.publicKey()).isEqualTo(HUB.verifier().publicKey());
    assertThat(SignedNote.open(SignedNote.sign(TEXT, HUB), List.of(parsed))).isEqualTo(TEXT);
    String vkey = HUB.verifier().encode();
    String[] parts = vkey.split("\\+", 3);
    for (String bad :
        List.of(
            "other.example+" + parts[1] + "+" + parts[2],
            parts[0] + "+00000000+" + parts[2],
            parts[0] + "+" + parts[1].toUpperCase() + "+" + parts[2],
            parts[0] + "+" + parts[1] + "+" + OTHER.verifier().encode().split("\\+", 3)[2],
            parts[0] + "+" + parts[1] + "+B" + parts[2].substring(1),
            parts[0] + "+" + parts[1],
            "+" + parts[1] + "+" + parts[2],
            "")) {
      assertThatThrownBy(() -> NoteVerifier.parse(bad)).as(bad).isInstanceOf(NoteException.class);
    }
  }

  @Test
  void tamperedTextOrSignatureIsABadSignature() {
    String note = SignedNote.sign(TEXT, HUB);
    String tamperedText = note.replaceFirst("\n3\n", "\n4\n");
    assertReason(tamperedText, List.of(HUB.verifier()), NoteException.Reason.BAD_SIGNATURE);
    int sigStart = note.lastIndexOf(' ') + 1;
    byte[] blob = Base64.getDecoder().decode(note.substring(sigStart, note.length() - 1));
    blob[10] ^= 0x01;
    String tamperedSig = note.substring(0, sigStart) + Base64.getEncoder().encodeToString(blob) + "\n";
    assertReason(tamperedSig, List.of(HUB.verifier()), NoteException.Reason.BAD_SIGNATURE);
  }

  @Test
  void wrongOrUnknownKeysAreRejected() {
    String note = SignedNote.sign(TEXT, HUB);
    assertReason(note, List.of(OTHER.verifier()), NoteException.Reason.UNKNOWN_KEY);
    // Same name, different key: the key ID differs, so the signature is ignored as unknown.
    assertReason(note, List.of(IMPOSTOR.verifier()), NoteException.Reason.UNKNOWN_KEY);
    assertReason(note, List.of(), NoteException.Reason.UNKNOWN_KEY);
    // Same key ID under another name is also a different key.
    String renamed = note.replace("\u2014 fedge.example/hub-ledger ", "\u2014 fedge.example/renamed ");
    assertReason(renamed, List.of(HUB.verifier()), NoteException.Reason.UNKNOWN_KEY);
  }

  @Test
  void unknownSignaturesAreIgnoredAndEveryTrustedOneMustVerify() throws NoteException {
    String both = SignedNote.sign(TEXT, OTHER, HUB);
    assertThat(SignedNote.open(both, List.of(HUB.verifier()))).isEqualTo(TEXT);
    assertThat(SignedNote.open(both, List.of(OTHER.verifier(), HUB.verifier()))).isEqualTo(TEXT);
    String hubLine = SignedNote.sign(TEXT, HUB).substring(TEXT.length() + 1);
    String otherLine = SignedNote.sign("different\n", OTHER).substring("different\n".length() + 1);
    String mixed = TEXT + "\n" + otherLine + hubLine;
    assertThat(SignedNote.open(mixed, List.of(HUB.verifier()))).isEqualTo(TEXT);
    assertReason(mixed, List.of(HUB.verifier(), OTHER.verifier()), NoteException.Reason.BAD_SIGNATURE);
  }

  @Test
  void newlinesAndFramingMustBeExact() {
    String note = SignedNote.sign(TEXT, HUB);
    List<NoteVerifier> hub = List.of(HUB.verifier());
    assertReason(note.substring(0, note.length() - 1), hub, NoteException.Reason.MALFORMED);
    assertReason(note + "\n", hub, NoteException.Reason.MALFORMED);
    assertReason(note.replace(TEXT + "\n", TEXT), hub, NoteException.Reason.MALFORMED);
    assertReason(note.replace("\u2014 ", "- "), hub, NoteException.Reason.MALFORMED);
    assertReason(note.replace("\u2014 ", "\u2014"), hub, NoteException.Reason.MALFORMED);
    assertReason(note.replace("\n", "\r\n"), hub, NoteException.Reason.MALFORMED);
    assertReason(note.replace("=\n", "\n"), hub, NoteException.Reason.MALFORMED);
    assertReason(TEXT + "\n", hub, NoteException.Reason.MALFORMED);
    // Moving the text's final newline into the blank line changes the signed text.
    assertReason("\n" + note, hub, NoteException.Reason.BAD_SIGNATURE);
    assertThatThrownBy(() -> SignedNote.open(new byte[] {(byte) 0xc3, 0x28, '\n', '\n'}, hub))
        .isInstanceOf(NoteException.class);
    assertThatThrownBy(() -> SignedNote.sign("no newline", HUB)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignedNote.sign("tab\t\n", HUB)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 500)
  void randomStringsNeverOpen(@ForAll String junk) {
    assertThatThrownBy(() -> SignedNote.open(junk, List.of(HUB.verifier()))).isInstanceOf(NoteException.class);
  }

  @Property(tries = 300)
  void randomTextAfterARealSignatureNeverOpens(@ForAll String junk) {
    String note = SignedNote.sign(TEXT, HUB);
    String altered = TEXT.substring(0, 5) + junk + note.substring(5);
    if (!altered.equals(note)) {
      assertThatThrownBy(() -> SignedNote.open(altered, List.of(HUB.verifier()))).isInstanceOf(NoteException.class);
    }
  }

  @Property(tries = 200)
  void anyNoteTextRoundTrips(@ForAll String body) throws NoteException {
    String text = body.replaceAll("[\\x00-\\x09\\x0b-\\x1f\\x7f]", "") .replaceAll("[\\ud800-\\udfff]", "") + "\n";
    assertThat(SignedNote.open(SignedNote.sign(text, HUB), List.of(HUB.verifier()))).isEqualTo(text);
  }

  static void assertReason(String note, List<NoteVerifier> keys, NoteException.Reason reason) {
    assertThatThrownBy(() -> SignedNote.open(note, keys))
        .isInstanceOf(NoteException.class)
        .extracting(e -> ((NoteException) e).reason())
        .isEqualTo(reason);
  }
}
