// What the orders module's operations share: the sandbox context, the merchant being paid, the outcome set
// for the next capture and the module's renderer.
import type { SandboxContext } from '../context';
import { ids } from '../ids';
import type { NextCaptureSetting } from './next-capture';
import type { Renderer } from './render';

/** The merchant account the sandbox's orders pay (payee), made once per sandbox. */
export interface Merchant {
  merchantId: string;
  email: string;
  name: string;
}

export function sandboxMerchant(name: string): Merchant {
  return { merchantId: ids.payer(), email: 'sb-merchant@business.example.com', name };
}

export interface OrdersDeps {
  ctx: SandboxContext;
  merchant: Merchant;
  nextCapture: NextCaptureSetting;
  render: Renderer;
}
