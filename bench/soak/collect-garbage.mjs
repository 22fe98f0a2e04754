// Asks a gateway started with `node --inspect=HOST:PORT` to collect its garbage (HeapProfiler), so that
// the heap /metrics shows next is what the gateway keeps, not what it has yet to free.
// Usage: node bench/soak/collect-garbage.mjs 127.0.0.1:PORT
import WebSocket from 'ws';

const [target] = await (await fetch(`http://${process.argv[2]}/json/list`)).json();
const ws = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
await new Promise((resolve) => ws.on('message', (m) => JSON.parse(String(m)).id === 1 && resolve()));
ws.close();
