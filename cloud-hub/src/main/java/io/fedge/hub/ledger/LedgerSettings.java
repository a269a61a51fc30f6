package io.fedge.hub.ledger;

import io.fedge.federation.config.Settings;
import java.time.Duration;

/**
 * Ledger settings of the hub (docs/configuration.md):
 *
 * @param origin the log's name, first line of each checkpoint and name of its key; fixed when the
 *     key is made ({@code ledger.origin}, default {@code <first public host>/fedge-ledger})
 * @param checkpointInterval how often a checkpoint is signed when the log grew, and receipts sent
 *     ({@code ledger.checkpoint.interval}, default 10s)
 * @param anchorInterval how often the latest checkpoint is anchored ({@code ledger.anchor.interval}, default 10m)
 * @param evmUrl JSON-RPC URL of an EVM chain to anchor checkpoints to, or null for none ({@code ledger.anchor.evm.url})
 * @param evmKeyFile file holding the hex secp256k1 private key of the anchoring account ({@code ledger.anchor.evm.key.file})
 * @param evmChainId the chain id transactions are signed for ({@code ledger.anchor.evm.chain.id}, default 1337)
 */
public record LedgerSettings(
    String origin, Duration checkpointInterval, Duration anchorInterval, String evmUrl, String evmKeyFile, long evmChainId) {

  public static LedgerSettings from(Settings s, String firstHost) {
    String host = firstHost.replaceAll("[^A-Za-z0-9.-]", "-");
    return new LedgerSettings(
        s.string("ledger.origin", host + "/fedge-ledger"),
        s.duration("ledger.checkpoint.interval", Duration.ofSeconds(10), Duration.ofMillis(200)),
        s.duration("ledger.anchor.interval", Duration.ofMinutes(10), Duration.ofSeconds(1)),
        s.string("ledger.anchor.evm.url", null),
        s.string("ledger.anchor.evm.key.file", null),
        s.integer("ledger.anchor.evm.chain.id", 1337, 1, Integer.MAX_VALUE));
  }
}
