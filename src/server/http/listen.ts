// Listening on the gateway's port: a busy port or an address not on this machine becomes a ListenError,
// a message for the operator.

import type http from 'node:http';

/** Listening failed (busy port, address not available): a message for the operator, no stack. */
export class ListenError extends Error {
  readonly userFacing = true;
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

export function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const where = `${host}:${port}`;
      if (err.code === 'EADDRINUSE') reject(new ListenError(`port ${port} on ${host} is in use; stop what uses it or choose another with --port N (env PORT)`, err.code));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new ListenError(`cannot listen on ${where}: no such address on this machine; choose another with --host ADDR (env HOST)`, err.code));
      else if (err.code === 'EACCES') reject(new ListenError(`not allowed to listen on ${where}; ports below 1024 need privileges, choose another with --port N`, err.code));
      else reject(new ListenError(`cannot listen on ${where} (${err.code ?? err.message})`, err.code ?? 'LISTEN_FAILED'));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
