// The sandbox buyer in the shapes PayPal uses for a payer across its APIs (orders, subscriptions, disputes).
import type { Buyer } from './model';

export function fullName(buyer: Buyer): string {
  return `${buyer.givenName} ${buyer.surname}`;
}

/** PayPal's `name` object of a payer or subscriber. */
export function payerName(buyer: Buyer): { given_name: string; surname: string } {
  return { given_name: buyer.givenName, surname: buyer.surname };
}

/** PayPal's shipping detail: an order's purchase_units[].shipping, a subscription's subscriber.shipping_address. */
export function shippingDetail(buyer: Buyer): Record<string, unknown> {
  return {
    name: { full_name: fullName(buyer) },
    address: {
      address_line_1: buyer.address.line1,
      ...(buyer.address.line2 !== undefined ? { address_line_2: buyer.address.line2 } : {}),
      admin_area_2: buyer.address.city,
      admin_area_1: buyer.address.state,
      postal_code: buyer.address.postalCode,
      country_code: buyer.address.countryCode,
    },
  };
}
