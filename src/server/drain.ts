// The drain (SPEC §15): the gateway's connections and the requests in progress on each, and how they are
// closed when it stops: not ready first, then no new connections, then the requests in flight finish.

import type http from 'node:http';
import net, { type Socket } from 'node:net';
import type { Logger } from 'pino';
import { closingMs } from '../model/platform.ts';

/** starting → ready → draining → stopped. */
export type GatewayState = 'starting' | 'ready' | 'draining' | 'stopped';

export interface DrainSummary {
  durationMs: number;
  /** Connections that were still open at the deadline and were closed by force. */
  forcedConnections: number;
}

/** How long a connection accepted during the drain may take to send its first request. */
const IDLE_GRACE_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connections and what they are doing, for the drain: requests in progress, and when they last had one. */
export class Connections {
  readonly sockets = new Map<Socket, { active: number; lastActive: number }>();

  /** Counts a request on its connection until its answer closes. */
  request(req: http.IncomingMessage, res: http.ServerResponse): void {
    const conn = this.sockets.get(req.socket);
    if (conn) {
      conn.active++;
      res.once('close', () => {
        conn.active--;
        conn.lastActive = Date.now();
      });
    }
  }

  /** Follows the connections of `httpServer` from their opening to their close. */
  watch(httpServer: http.Server): void {
    const sockets = this.sockets;
    httpServer.on('connection', (socket: Socket) => {
      sockets.set(socket, { active: 0, lastActive: Date.now() });
      socket.once('close', () => sockets.delete(socket));
    });
  }
}

/** What the drain closes and stops. */
export interface DrainParts {
  httpServer: http.Server;
  connections: Connections;
  shutdownTimeoutMs: number;
  logger: Logger;
  setState(state: GatewayState): void;
  /** Stops what the gateway runs once its connections are closed. */
  stop(): Promise<void>;
}

/** The gateway's drain, after `delayMs` of not being ready; started once, each call its one summary. */
export function drainer(parts: DrainParts): (delayMs: number) => Promise<DrainSummary> {
  const { httpServer, shutdownTimeoutMs, logger, setState, stop } = parts;
  const sockets = parts.connections.sockets;
  let draining: Promise<DrainSummary> | null = null;
  const drain = (delayMs: number): Promise<DrainSummary> => {
    draining ??= (async () => {
      const started = Date.now();
      setState('draining');
      logger.info({ event: 'drain-start', drainDelayMs: delayMs, shutdownTimeoutMs, connections: sockets.size }, 'draining: not ready, finishing requests');
      const deadline = started + shutdownTimeoutMs - closingMs(shutdownTimeoutMs);
      await sleep(Math.max(0, Math.min(delayMs, deadline - Date.now())));
      // No new connections from here. Not http.Server's close(): it also closes every connection without a
      // request in progress, which includes one just accepted whose first request is on its way (its
      // client would see a reset). Answers made while draining close their connections themselves; a
      // connection idle since before the drain is closed now; a new one gets IDLE_GRACE_MS to send.
      const drainStarted = started;
      const closed = new Promise((resolve) => net.Server.prototype.close.call(httpServer, () => resolve(undefined)));
      let forcedConnections = 0;
      for (;;) {
        const now = Date.now();
        for (const [socket, conn] of sockets) {
          if (conn.active > 0) continue;
          if (conn.lastActive < drainStarted || now - conn.lastActive > IDLE_GRACE_MS) socket.end();
        }
        if (sockets.size === 0 || now >= deadline) break;
        await sleep(Math.min(25, Math.max(1, deadline - now)));
      }
      if (sockets.size > 0) {
        forcedConnections = sockets.size;
        httpServer.closeAllConnections();
      }
      await closed;
      await stop(); // Apollo, the schema holder, the checkpoints, the connected platforms, the watches
      setState('stopped');
      const summary = { durationMs: Date.now() - started, forcedConnections };
      logger.info({ event: 'drain-end', ...summary }, 'drained');
      return summary;
    })();
    return draining;
  };
  return drain;
}
