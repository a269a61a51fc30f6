package io.fedge.federation.psi;

/**
 * One protocol message between two PSI parties, relayed as is (the relay needs only {@link #to()}).
 * Every point field holds concatenated 32-byte ristretto255 encodings of blinded values; no
 * message carries an id or an unblinded hash. Wire form: {@link PsiCodec}; meaning: docs/psi.md.
 */
public sealed interface PsiMessage
    permits PsiMessages.Hello,
        PsiMessages.BlindedBatch,
        PsiMessages.BatchAck,
        PsiMessages.Reveal,
        PsiMessages.Done,
        PsiMessages.Abort,
        PsiMessages.FilterPublication {
  /** Protocol version of this message format. */
  int VERSION = 1;

  int version();

  /** Balanced modes: the job id. Unbalanced: the client's job id (filter: the filter id). */
  String session();

  String from();

  /** The party this message is for ({@code *} for a published filter). */
  String to();
}
