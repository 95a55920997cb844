// The buyer-facing approval page PayPal hosts (and, with the same markup, the Paystack stand-in's checkout),
// reduced to what a checkout needs: who is paid, how much, which test buyer pays, and two buttons. Plain HTML
// so tests can drive it over HTTP or in a browser.

export interface ApprovalPage {
  title: string;
  merchant: string;
  /** e.g. "Hardbound Enterprise (lifetime)" */
  item: string;
  /** e.g. "$49.00 USD" or "$9.00 USD / month" */
  price: string;
  buyerEmail: string;
  /** Where the form posts; it carries `action=pay` or `action=cancel`. */
  formAction: string;
}

export function renderApprovalPage(page: ApprovalPage): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
main{border:1px solid #ccd;border-radius:8px;padding:1.5rem}h1{font-size:1.25rem}.amount{font-size:1.75rem;font-weight:600}
button{font-size:1rem;padding:.6rem 1.2rem;margin-right:.5rem;border-radius:6px;border:1px solid #003087;cursor:pointer}
button[value=pay]{background:#ffc439;border-color:#ffc439}</style></head>
<body><main aria-labelledby="title">
<h1 id="title">${escapeHtml(page.title)}</h1>
<p>Pay <strong data-testid="merchant">${escapeHtml(page.merchant)}</strong></p>
<p>${escapeHtml(page.item)}</p>
<p class="amount" data-testid="amount">${escapeHtml(page.price)}</p>
<p>Signed in as <span data-testid="buyer">${escapeHtml(page.buyerEmail)}</span> (sandbox test buyer)</p>
<form method="post" action="${escapeHtml(page.formAction)}">
<button type="submit" name="action" value="pay">Pay</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form></main></body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function formatMoney(value: string, currency: string): string {
  const symbol: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', CAD: 'CA$', AUD: 'A$' };
  return `${symbol[currency] ?? ''}${value} ${currency}`;
}
