/**
 * Secure aggregation after Bonawitz et al., "Practical Secure Aggregation for Privacy-Preserving
 * Machine Learning" (CCS 2017), semi-honest variant with dropout recovery. Transport-free: the
 * parties are state machines ({@link io.fedge.federation.secagg.SecAggClient}, {@link
 * io.fedge.federation.secagg.SecAggServer}) exchanging plain message records that the caller
 * relays. The server learns only the sum of the surviving clients' vectors.
 *
 * <h2>Protocol</h2>
 *
 * Clients have ids 1..n; all arithmetic on vectors is mod R = 2^32 or 2^64 ({@link
 * io.fedge.federation.secagg.FixedPoint}).
 *
 * <ol>
 *   <li>AdvertiseKeys: each client u makes X25519 key pairs (c_u, s_u) and sends both public keys.
 *       The server relays the set U1 of advertisers to everyone ({@code KeyDirectory}).
 *   <li>ShareKeys: u draws a self-mask seed b_u, splits b_u and the private key s_u t-of-|U1| with
 *       Shamir over GF(2^8) (share index = holder id), and for each v in U1 seals the pair of
 *       shares with AES-256-GCM under HKDF(X25519(c_u, c_v)). The server routes them; the senders
 *       form U2 ({@code ShareDelivery}).
 *   <li>MaskedInputCollection: u agrees s_uv = HKDF(X25519(s_u, s_v)) with each v in U2 and sends
 *       y_u = x_u + PRG(b_u) + sum_{v &gt; u} PRG(s_uv) - sum_{v &lt; u} PRG(s_uv) mod R. The
 *       senders form U3; the server sums the y_u as they arrive.
 *   <li>Unmasking: the server sends U3 and the dropouts U2 \ U3. Each client checks that they
 *       partition its U2 and returns its shares of b_v for v in U3 and of s_v for v in U2 \ U3,
 *       never both for one client.
 *   <li>The server, given at least t responses, reconstructs every b_v (v in U3) and every s_v (v
 *       dropped), subtracts PRG(b_v) and the pairwise masks between survivors and dropouts (the
 *       masks between survivors cancel in the sum), and outputs sum_{u in U3} x_u mod R, decoded
 *       with {@link io.fedge.federation.secagg.FixedPoint#decodeSum}.
 * </ol>
 *
 * <h2>Threat model</h2>
 *
 * <ul>
 *   <li>Server and clients are semi-honest (honest but curious): they follow the protocol and try
 *       to learn from what they see. A server colluding with fewer than t clients learns nothing
 *       about an honest client's input beyond the sum over U3: b_u and s_u are Shamir-shared with
 *       threshold t, a client reveals for any peer only one of the two shares, and each masked
 *       input is uniform in Z_R^d.
 *   <li>Dropouts: the round completes as long as at least t clients remain at every step (|U1|,
 *       |U2|, |U3| and the number of unmasking responses are all at least t). Clients dropping
 *       before sending masked input are left out of the sum; clients dropping after it are
 *       included. Fewer than t at any step aborts the round with {@link
 *       io.fedge.federation.secagg.SecAggException}.
 *   <li>Share indices are elements of GF(2^8)*, so a round has at most 255 clients.
 * </ul>
 *
 * <h2>Not covered</h2>
 *
 * Active (malicious) adversaries: there are no signatures on the advertised keys, no
 * consistency-check round, and nothing stops a malicious server from telling different clients
 * different survivor sets. Clients are not authenticated to the server, and the server does not
 * check that inputs were clipped. The product layer adds signatures and HPKE envelopes around
 * these messages. Bounding what the sum itself reveals (differential privacy) is also out of
 * scope.
 */
package io.fedge.federation.secagg;
