// `npm run sandbox [-- --port N]`: the PayPal and Paystack stand-ins on their own, for demos and manual testing.
import { DEFAULT_PORT } from './options';
import { startSandbox } from './index';

function portFromArgs(argv: string[]): number {
  const i = argv.indexOf('--port');
  if (i === -1) return DEFAULT_PORT;
  const port = Number(argv[i + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--port needs a port number from 0 to 65535, got "${argv[i + 1] ?? ''}"`);
    process.exit(2);
  }
  return port;
}

const sandbox = await startSandbox({ port: portFromArgs(process.argv.slice(2)) });
console.log(`PayPal sandbox listening at ${sandbox.baseUrl}`);
console.log(`  client id:     ${sandbox.credentials.clientId}`);
console.log(`  client secret: ${sandbox.credentials.clientSecret}`);
console.log(`  control API:   ${sandbox.baseUrl}/__sandbox/  (see README)`);
console.log(`Paystack sandbox at ${sandbox.paystack.baseUrl}  (stands in for https://api.paystack.co)`);
console.log(`  secret key:    ${sandbox.paystack.secretKey}`);
console.log(`  public key:    ${sandbox.paystack.publicKey}`);
console.log(`  control API:   ${sandbox.baseUrl}/__sandbox/paystack/  (see sandbox/paystack/CONTROL.md)`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
