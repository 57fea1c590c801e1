import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { type ConsumedUnits, meterCapacity } from './capacity-meter.ts';

export interface DynaliteServer {
  endpoint: string;
  port: number;
  /** The request units consumed so far, when started with `meter`. */
  consumed: ConsumedUnits | undefined;
  close(): Promise<void>;
}

/**
 * dynalite on loopback: in memory by default, or in LevelDB files under `path` to keep data across
 * restarts; with `meter`, it counts the request units DynamoDB would bill.
 */
export async function startDynalite(
  options: { port?: number; path?: string; meter?: boolean } = {},
): Promise<DynaliteServer> {
  const server: Server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path !== undefined && { path: options.path }),
  });
  const meter = options.meter === true ? meterCapacity(server) : undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    consumed: meter?.consumed,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
