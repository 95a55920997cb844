// The PayPal client's default HTTP: node:http(s) over keep-alive agents, the whole body read before it resolves.
// The global fetch (undici's WHATWG implementation) costs several times the CPU per call (a capture GET on
// loopback: ~250 µs of client CPU against ~55 µs), and the server calls PayPal for every purchase and for every
// webhook it acts on — on the one thread that also serves HTTP and SQLite.
import http from 'node:http';
import https from 'node:https';
import type { Fetch, FetchAnswer } from './transport';

/** A PayPal answer is a few KiB; anything past this is not one, and is not buffered. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** Never follows a redirect (a 3xx is answered as it came, which the transport treats as a failure). */
export const nodeHttpFetch: Fetch = (url, init) =>
  new Promise<FetchAnswer>((resolve, reject) => {
    const target = new URL(url);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new Error(`unsupported protocol ${target.protocol}`));
      return;
    }
    const send = target.protocol === 'https:' ? https.request : http.request;
    const request = send(target, { method: init.method, headers: init.headers, agent: agents[target.protocol], signal: init.signal }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES) request.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
        else chunks.push(chunk);
      });
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, text: () => Promise.resolve(text) });
      });
      // A connection cut mid-body, or the deadline's abort, ends here.
      response.on('error', reject);
      response.on('aborted', () => reject(new Error('the answer was cut off')));
    });
    request.on('error', reject);
    request.end(init.body);
  });
