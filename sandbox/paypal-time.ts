// The time formats PayPal writes, which differ by API: most resources in UTC to the second
// ("2021-03-19T08:07:40Z"), Payments v2 refunds in PayPal's own Pacific time with its offset
// ("2018-08-15T12:13:29-07:00"), disputes and subscription transactions with milliseconds.

const PACIFIC = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  hourCycle: 'h23',
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  timeZoneName: 'longOffset',
});

/** The same instant in Pacific time with its UTC offset (-07:00 in summer, -08:00 in winter). */
export function pacificTime(iso: string): string {
  const parts = Object.fromEntries(PACIFIC.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  const offset = (parts.timeZoneName ?? 'GMT').replace('GMT', '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

/** UTC with milliseconds: "2018-06-21T13:35:44.000Z". */
export function millisecondTime(iso: string): string {
  return new Date(iso).toISOString();
}
