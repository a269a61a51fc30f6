/**
 * ECDH private set intersection over ristretto255: {@link io.fedge.federation.psi.PsiGuest} and
 * {@link io.fedge.federation.psi.PsiHost} (both-learn and guest-learns, one or more hosts),
 * {@link io.fedge.federation.psi.FilterServer} and {@link io.fedge.federation.psi.FilterClient}
 * (unbalanced mode with a reusable cuckoo filter). Parties are message-driven state machines that
 * send through a {@link io.fedge.federation.psi.PsiTransport}; messages are the records in
 * {@link io.fedge.federation.psi.PsiMessages}, encoded by {@link io.fedge.federation.psi.PsiCodec}.
 * Protocol, wire format, normalisation rules and threat model: docs/psi.md.
 */
package io.fedge.federation.psi;
