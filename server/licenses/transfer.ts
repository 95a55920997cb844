// Moving a license to another computer without support. POST /v1/licenses/release: the app presents its
// entitlement (checked exactly as a refresh checks it); the license is unbound from that machine and a
// one-time transfer code answered — only its hash is kept. POST /v1/licenses/redeem: a new machine binds the
// released license to its anchor with the code, once, before it expires. A yearly number of releases per
// license is allowed; beyond it (or for a lost computer, which cannot release) support moves the license.
// Every release and move is audited and shows on the license's support timeline.
import { randomInt } from 'node:crypto';
import type { ReleaseLicenseResponse, RefreshResponse } from '../../common/api';
import { isAnchor } from '../../common/anchor';
import { formatTransferCode, NOT_A_TRANSFER_CODE, normalizeTransferCode, TRANSFER_CODE_ALPHABET, TRANSFER_CODE_LENGTH } from '../../common/transfer-code';
import { ApiError } from '../http/api-error';
import { hashSecret, newId } from '../ids';
import * as audit from '../store/audit';
import * as transfers from '../store/license-transfers';
import * as licenses from '../store/licenses';
import { answerFor, presentedLicense, type EntitlementDeps } from './refresh';
import { releasedAnchor } from './released';
import { licenseView } from './view';

export interface TransferPolicy {
  /** Releases a license may make in any 365 days; 0 turns self-service moves off. */
  movesPerYear: number;
  /** How long a transfer code works. */
  codeTtlMs: number;
}

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
/** The audit trail's actor for what the customer did in the app (no person is identified: no PII). */
const CUSTOMER = 'customer-app';

export class LicenseTransferService {
  constructor(private readonly deps: EntitlementDeps & { policy: TransferPolicy }) {}

  async release(anchor: unknown, token: unknown): Promise<ReleaseLicenseResponse> {
    const found = await presentedLicense(this.deps, anchor, token);
    const { store, clock, policy } = this.deps;
    const now = clock.now();
    const license = found.license;
    if (!license || license.anchor !== found.anchor || licenseView(license, now, this.deps.grant).tier !== 'enterprise') {
      throw new ApiError(409, 'not_transferable', 'This computer has no active license to move.');
    }
    if (policy.movesPerYear === 0) {
      throw new ApiError(409, 'transfer_limit_reached', 'Moving a license yourself is turned off for this app. Contact support to move it.');
    }
    const code = newTransferCode();
    const transferId = newId('mov');
    const expiresAt = now + policy.codeTtlMs;
    await store.transaction(async (trx) => {
      // Read again under the transaction: two releases at once must not both pass.
      const current = await licenses.get(trx, license.id, { forUpdate: true });
      if (!current || current.anchor !== found.anchor || current.supersededBy !== null || licenseView(current, now, this.deps.grant).tier !== 'enterprise') {
        throw new ApiError(409, 'not_transferable', 'This computer has no active license to move.');
      }
      const used = await transfers.countSince(trx, license.id, now - YEAR_MS);
      if (used >= policy.movesPerYear) {
        throw new ApiError(
          409,
          'transfer_limit_reached',
          `This license has already been moved ${used === 1 ? 'once' : `${used} times`} in the last 12 months. Contact support to move it again.`,
        );
      }
      await transfers.insert(trx, { id: transferId, licenseId: license.id, codeHash: hashSecret(code), fromAnchor: found.anchor, createdAt: now, expiresAt });
      await licenses.update(trx, license.id, { anchor: releasedAnchor(transferId), updatedAt: now });
      await audit.append(trx, { at: now, actor: CUSTOMER, action: 'release', target: license.id, detail: { transfer: transferId, from: found.anchor, expiresAt } });
    });
    const released = (await licenses.get(store.db, license.id)) ?? license;
    const answer = await answerFor(this.deps, found.anchor, released, released);
    return { ...answer, transfer: { code: formatTransferCode(code), expiresAt: new Date(expiresAt).toISOString() } };
  }

  async redeem(anchor: unknown, code: unknown): Promise<RefreshResponse> {
    if (!isAnchor(anchor)) throw new ApiError(400, 'invalid_anchor', 'anchor must be the base64url form of 32 bytes (43 characters).');
    const canonical = typeof code === 'string' ? normalizeTransferCode(code) : null;
    if (canonical === null) throw new ApiError(400, 'transfer_code_invalid', NOT_A_TRANSFER_CODE);
    const { store, clock } = this.deps;
    const now = clock.now();
    const licenseId = await store.transaction(async (trx) => {
      const transfer = await transfers.findByCodeHash(trx, hashSecret(canonical));
      if (!transfer || transfer.redeemedAt !== null) {
        throw new ApiError(404, 'transfer_code_invalid', 'This transfer code is not valid, or it has been used already. Check it; on the old computer, the License panel shows the code it released.');
      }
      if (transfer.expiresAt <= now) {
        throw new ApiError(410, 'transfer_code_expired', 'This transfer code has expired. Contact support to move the license.');
      }
      const license = await licenses.get(trx, transfer.licenseId, { forUpdate: true });
      // Support may have moved or revoked the license since it was released: then the code no longer applies.
      if (!license || license.anchor !== releasedAnchor(transfer.id)) {
        throw new ApiError(409, 'transfer_code_invalid', 'This transfer code no longer applies: the license changed after it was released. Contact support.');
      }
      if (!(await transfers.redeem(trx, transfer.id, anchor, now))) {
        throw new ApiError(404, 'transfer_code_invalid', 'This transfer code has been used already.');
      }
      // The new computer keeps whatever else it holds: its access is the best of its licenses.
      await licenses.update(trx, license.id, { anchor, updatedAt: now });
      await audit.append(trx, { at: now, actor: CUSTOMER, action: 'move', target: license.id, detail: { transfer: transfer.id, from: transfer.fromAnchor, to: anchor } });
      return license.id;
    });
    return answerFor(this.deps, anchor, (await licenses.get(store.db, licenseId)) ?? null);
  }
}

function newTransferCode(): string {
  let code = '';
  for (let i = 0; i < TRANSFER_CODE_LENGTH; i++) code += TRANSFER_CODE_ALPHABET[randomInt(TRANSFER_CODE_ALPHABET.length)];
  return code;
}
