// Webhook listeners, signing, delivery with retries and faults, events API, verify API. (Being written.)
import type { SandboxContext } from '../context';
import type { SandboxModule } from '../module';

export interface WebhooksControl {
  caCertificatePem(): string;
}

export async function webhooksModule(_ctx: SandboxContext): Promise<SandboxModule<WebhooksControl>> {
  return { routes: () => {}, control: { caCertificatePem: () => '' } };
}
