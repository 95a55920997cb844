// A loopback TCP proxy in front of the companion server that can be switched off and on again on the same
// port: "the server is down" exactly as the app sees it (connections refused, open ones cut).
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SwitchableProxy {
  /** http://127.0.0.1:<port>, stable across stop/start. */
  url: string;
  setTarget(port: number): void;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startSwitchableProxy(): Promise<SwitchableProxy> {
  let targetPort: number | null = null;
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  };
  const makeServer = () =>
    net.createServer((client) => {
      track(client);
      if (targetPort === null) return client.destroy();
      const upstream = net.connect(targetPort, '127.0.0.1');
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
  const listen = (server: net.Server, port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });

  let server: net.Server | null = makeServer();
  await listen(server, 0);
  const port = (server.address() as AddressInfo).port;

  const stop = async () => {
    if (!server) return;
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => closing.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${port}`,
    setTarget: (p) => void (targetPort = p),
    stop,
    async start() {
      if (server) return;
      const next = makeServer();
      await listen(next, port);
      server = next;
    },
    close: stop,
  };
}
