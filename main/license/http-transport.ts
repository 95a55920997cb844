// The license core's HTTP transport, injected: axios stays the client (timeouts, errors, retries in
// server-client.ts) and runs over its fetch adapter with whatever fetch the host provides — Electron's
// net.fetch in the desktop app (Chromium's network stack: the system proxy, PAC files, the OS certificate
// store), Node's fetch honouring HTTPS_PROXY / HTTP_PROXY / NO_PROXY in the browser preview and the tests
// (node-transport.ts). A Request and Response of the same implementation come with it: axios builds the
// request with them, and one fetch does not accept another implementation's Request.
export interface HttpTransport {
  fetch(input: Request, init?: RequestInit): Promise<Response>;
  Request: typeof Request;
  Response: typeof Response;
}
