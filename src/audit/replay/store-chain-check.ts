import { verifyEventStoreChain } from '../../event-store/sqlite/verify-event-store-chain.js';
import type { AuditFinding } from './log-recomputation.js';

/** The embedded store's full hash-chain check, as a replay finding (none when the chain verifies). */
export function storeChainFindings(eventsDbPath: string, onProgress?: (verifiedEvents: number) => void): AuditFinding[] {
  const result = verifyEventStoreChain(eventsDbPath, (progress) => onProgress?.(progress.verifiedEvents));
  if (result.ok) return [];
  return [{ check: 'chain', position: String(result.position), detail: `${result.reason}: ${result.detail}` }];
}
