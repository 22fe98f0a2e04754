// `server.corsOrigins` holds origins, each compared exactly with a browser's `Origin`. A wildcard
// (`https://*.example.gov.cn`), a port past 65535, a user name or a query passed the schema's pattern and
// started a gateway that matched no page with them, or matched another origin than written, without a word.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { allowedOrigins, handleCors } from '../src/server/http/cors.ts';

const qinghai = (corsOrigins: string[]) => ({
  platform: { region: '630000', level: 'province', name: 'Qinghai Data Sharing Platform', competentDepartment: '630000-SJJ' },
  purposes: [{ code: 'pasture-subsidy', name: 'Grassland subsidy review' }],
  departments: [{ code: '630000-SJJ', name: 'Qinghai Data Bureau', graphqlName: 'dataBureau', level: 'province', region: '630000' }],
  server: { corsOrigins },
});

describe('server.corsOrigins', () => {
  it('refuses what is not one origin, naming the entry and what to write', () => {
    const { problems } = validatePlatform(
      qinghai(['https://*.qinghai.example.gov.cn', 'https://portal.qinghai.example.gov.cn:70000', 'https://ops@portal.qinghai.example.gov.cn', 'https://portal.qinghai.example.gov.cn?app=1', 'https://%2A.example']),
    );
    expect(problems).toEqual([
      {
        path: 'server.corsOrigins[0]',
        message: `"https://*.qinghai.example.gov.cn" holds a wildcard, which no browser's Origin matches (it names the page's own host); list each origin whose pages may call, like "https://portal.qinghai.example.gov.cn"`,
      },
      {
        path: 'server.corsOrigins[1]',
        message: `"https://portal.qinghai.example.gov.cn:70000" is not an origin (a port is a number from 1 to 65535); write scheme://host[:port] as the page's browser sends it, like "https://portal.example.gov.cn"`,
      },
      {
        path: 'server.corsOrigins[2]',
        message: `"https://ops@portal.qinghai.example.gov.cn" holds more than an origin (a user name, query or fragment), which a browser's Origin never has; write https://portal.qinghai.example.gov.cn`,
      },
      {
        path: 'server.corsOrigins[3]',
        message: `"https://portal.qinghai.example.gov.cn?app=1" holds more than an origin (a user name, query or fragment), which a browser's Origin never has; write https://portal.qinghai.example.gov.cn`,
      },
      { path: 'server.corsOrigins[4]', message: expect.stringContaining('holds a wildcard') },
    ]);
  });

  it('takes origins as browsers send them, in any case, with a default port, an IP address or a Chinese host', () => {
    expect(validatePlatform(qinghai(['https://Portal.Qinghai.example.gov.cn:443', 'http://10.63.0.8:8080', 'https://[::1]:8443', 'https://青海.example'])).problems).toEqual([]);
  });

  it('allows no origin that is not listed, whatever the list holds', () => {
    const answer = (origin: string, listed: string[]) => {
      const headers = new Map<string, unknown>();
      const res = { appendHeader: () => res, setHeader: (k: string, v: unknown) => headers.set(k, v) } as unknown as ServerResponse;
      handleCors({ method: 'POST', headers: { origin } } as unknown as IncomingMessage, res, allowedOrigins(listed));
      return headers.get('Access-Control-Allow-Origin');
    };
    expect(answer('https://portal.qinghai.example.gov.cn', ['https://Portal.Qinghai.example.gov.cn:443'])).toBe('https://portal.qinghai.example.gov.cn');
    expect(answer('https://evil.example', ['*'])).toBeUndefined(); // a wildcard that got past the file's check
    expect(answer('https://evil.example', ['https://portal.qinghai.example.gov.cn'])).toBeUndefined();
  });
});
