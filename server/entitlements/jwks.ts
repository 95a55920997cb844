// Body of GET /.well-known/hardbound/jwks.json: every public key of the ring, so tokens signed by a key
// rotated out of signing still verify in apps that fetch keys instead of pinning them.
import type { JwksResponse } from '../../common/api';
import type { KeyRing } from './keys';

export function jwksResponse(ring: KeyRing): JwksResponse {
  return { keys: ring.publicJwks.map((jwk) => ({ ...jwk })) };
}
