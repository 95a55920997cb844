// Suspend → reactivate: PayPal's Subscriptions API documents BILLING.SUBSCRIPTION.ACTIVATED for "Activate
// subscription", which is also how a suspended subscription is resumed; each activation is its own event with
// its own id, and status_update_time moves on every status change, even within one second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type PayPalJson } from './support-subscriptions';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function active(): Promise<string> {
  const { id } = await h.createSubscription();
  h.sandbox.control.approveSubscription(id);
  return id;
}

const eventsFor = async (eventType: string, id: string): Promise<PayPalJson[]> =>
  (await h.events(eventType)).filter((e) => e.resource.id === id);
const get = async (id: string): Promise<PayPalJson> => (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;

describe('suspend, then activate again', () => {
  it('publishes ACTIVATED again with a new event id, a later status_update_time, and GET shows ACTIVE', async () => {
    const id = await active();
    const first = await get(id);
    // The sandbox clock stands still in this suite: the times must move on all the same.
    expect((await h.call('POST', `/v1/billing/subscriptions/${id}/suspend`, { reason: 'Customer asked for a pause' })).status).toBe(204);
    const suspended = await get(id);
    expect(suspended).toMatchObject({ status: 'SUSPENDED', status_change_note: 'Customer asked for a pause' });
    expect(suspended.billing_info).not.toHaveProperty('next_billing_time');
    expect(Date.parse(suspended.status_update_time)).toBeGreaterThan(Date.parse(first.status_update_time));

    expect((await h.call('POST', `/v1/billing/subscriptions/${id}/activate`, { reason: 'Back from holiday' })).status).toBe(204);
    const reactivated = await get(id);
    expect(reactivated).toMatchObject({ status: 'ACTIVE', status_change_note: 'Back from holiday' });
    expect(reactivated.billing_info.next_billing_time).toBeDefined();
    expect(Date.parse(reactivated.status_update_time)).toBeGreaterThan(Date.parse(suspended.status_update_time));

    const activations = (await h.events('BILLING.SUBSCRIPTION.ACTIVATED')).filter((e) => e.resource.id === id);
    expect(activations).toHaveLength(2);
    expect(new Set(activations.map((e) => e.id)).size).toBe(2);
    expect(activations.map((e) => e.resource.status_update_time)).toEqual([first.status_update_time, reactivated.status_update_time]);
    expect(await eventsFor('BILLING.SUBSCRIPTION.SUSPENDED', id)).toHaveLength(1);
    expect(await h.events('BILLING.SUBSCRIPTION.RE-ACTIVATED')).toEqual([]);
  });

  it('acts the same through the control API, over HTTP and in process', async () => {
    const id = await active();
    const paused = await h.call('POST', `/__sandbox/subscriptions/${id}/suspend`, { reason: 'Paused by support' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'SUSPENDED', status_change_note: 'Paused by support' });
    const resumed = await h.call('POST', `/__sandbox/subscriptions/${id}/activate`);
    expect(resumed.body).toMatchObject({ status: 'ACTIVE', status_change_note: 'Reactivated by the merchant' });

    expect(h.sandbox.control.suspendSubscription(id).status).toBe('SUSPENDED');
    expect(h.sandbox.control.activateSubscription(id, 'Resumed').status).toBe('ACTIVE');
    const times = (await eventsFor('BILLING.SUBSCRIPTION.ACTIVATED', id)).map((e) => Date.parse(e.resource.status_update_time));
    expect(times).toHaveLength(3);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(new Set(times).size).toBe(3);
  });

  it('refuses to activate an active subscription and to suspend a suspended one, as PayPal does', async () => {
    const id = await active();
    const again = await h.call('POST', `/__sandbox/subscriptions/${id}/activate`);
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe('SUBSCRIPTION_STATUS_INVALID');
    h.sandbox.control.suspendSubscription(id);
    expect((await h.call('POST', `/v1/billing/subscriptions/${id}/suspend`, { reason: 'twice' })).status).toBe(422);
  });

  it('leaves out next_billing_time after a cancel, as PayPal\'s cancelled subscriptions show', async () => {
    const id = await active();
    h.sandbox.control.cancelSubscription(id, 'Testing');
    const body = await get(id);
    expect(body).toMatchObject({ status: 'CANCELLED', status_change_note: 'Testing' });
    expect(body.billing_info).not.toHaveProperty('next_billing_time');
    expect(body.links.map((l: PayPalJson) => l.rel)).toEqual(['self']);
  });
});
