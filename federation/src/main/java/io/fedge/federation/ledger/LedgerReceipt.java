package io.fedge.federation.ledger;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Body of the hub -> device {@code receipt} message: proof that an entry naming the device is in
 * the log, under a signed checkpoint.
 *
 * @param v format version, 1
 * @param index the entry's leaf index
 * @param entry the entry's canonical JSON text ({@link LedgerEntry}), whose leaf hash is proved
 * @param inclusion the RFC 9162 inclusion proof of {@code index} in the checkpoint's tree, standard
 *     base64 hashes, lowest first
 * @param checkpoint the signed note of the checkpoint (C2SP tlog-checkpoint, Ed25519)
 * @param consistencyFrom the size of the checkpoint the hub last sent this device, or null
 * @param consistency the consistency proof from {@code consistencyFrom} to the checkpoint's size
 *     (base64 hashes), present with {@code consistencyFrom}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LedgerReceipt(
    int v, long index, String entry, List<String> inclusion, String checkpoint, Long consistencyFrom, List<String> consistency) {
  public static final int VERSION = 1;

  public LedgerReceipt {
    inclusion = inclusion == null ? List.of() : List.copyOf(inclusion);
    consistency = consistency == null ? null : List.copyOf(consistency);
  }

  /** Base64 text of each hash. */
  public static List<String> encodeHashes(List<byte[]> hashes) {
    List<String> out = new ArrayList<>(hashes.size());
    for (byte[] h : hashes) {
      out.add(Base64.getEncoder().encodeToString(h));
    }
    return out;
  }

  /** The hashes back; throws ProofException (MALFORMED) for anything but base64 of 32 bytes. */
  public static List<byte[]> decodeHashes(List<String> hashes) throws ProofException {
    if (hashes == null) {
      throw new ProofException(ProofException.Reason.MALFORMED, "proof is missing");
    }
    List<byte[]> out = new ArrayList<>(hashes.size());
    for (String s : hashes) {
      byte[] h = s == null ? null : NoteText.decodeBase64(s);
      if (h == null || h.length != Rfc9162.HASH_SIZE) {
        throw new ProofException(ProofException.Reason.MALFORMED, "proof hash is not the base64 of 32 bytes");
      }
      out.add(h);
    }
    return out;
  }
}
