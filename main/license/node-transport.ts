// The HTTP transport where the core runs in plain Node (the browser preview, tests, benchmarks): undici's
// fetch, through the proxy the environment names. HTTPS_PROXY for https URLs, HTTP_PROXY for http URLs
// (lower-case names win, as in curl), NO_PROXY for the hosts that go direct. Node 20's global fetch cannot
// be pointed at a proxy without reaching into its bundled undici, so the npm package brings its own
// fetch, Request, Response and EnvHttpProxyAgent, all of one version. Certificates: Node's CA store plus
// NODE_EXTRA_CA_CERTS, or `ca` here.
import { Agent, EnvHttpProxyAgent, fetch, Request, Response, type Dispatcher } from 'undici';
import type { HttpTransport } from './http-transport';

export interface NodeTransportOptions {
  env?: Record<string, string | undefined>;
  /** Extra trusted certificates (PEM), for a server or TLS-inspecting proxy with a private CA. */
  ca?: string;
}

export function nodeHttpTransport(options: NodeTransportOptions = {}): HttpTransport {
  const env = options.env ?? process.env;
  const pick = (name: string) => env[name.toLowerCase()] ?? env[name] ?? '';
  const httpProxy = pick('HTTP_PROXY');
  const httpsProxy = pick('HTTPS_PROXY');
  const tls = options.ca ? { ca: options.ca } : undefined;
  const dispatcher: Dispatcher =
    httpProxy || httpsProxy
      ? new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy: pick('NO_PROXY'), ...(tls ? { connect: tls, requestTls: tls } : {}) })
      : new Agent(tls ? { connect: tls } : {});
  return {
    fetch: (input, init) => fetch(input as never, { ...(init as object), dispatcher }) as unknown as Promise<globalThis.Response>,
    Request: Request as unknown as typeof globalThis.Request,
    Response: Response as unknown as typeof globalThis.Response,
  };
}
