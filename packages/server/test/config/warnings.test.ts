import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { configWarnings } from '../../src/config/warnings.js';

describe('start-up warnings', () => {
  it('several instances without a shared cookieSecret; a publicUrl on an unspecified address', () => {
    const postgres = 'postgres://127.0.0.1:5432/devicelogin';
    expect(configWarnings({ publicUrl: 'https://login.example', databaseUrl: postgres })).toEqual([
      expect.stringContaining('cookieSecret is not'),
    ]);
    expect(
      configWarnings({ publicUrl: 'https://login.example', databaseUrl: postgres, cookieSecret: 'x'.repeat(32) }),
    ).toEqual([]);
    expect(configWarnings({ publicUrl: 'http://0.0.0.0:3000' })).toEqual([
      expect.stringContaining('clients cannot reach that address'),
    ]);
    expect(configWarnings({ publicUrl: 'http://[::]:3000' })).toHaveLength(1);
    expect(configWarnings({ publicUrl: 'http://127.0.0.1:3000' })).toEqual([]);
  });

  it('are logged once when the app is built', async () => {
    const lines: { level: number; msg: string }[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== '')) {
          lines.push(JSON.parse(line) as { level: number; msg: string });
        }
        done();
      },
    });
    const { app } = await buildApp({
      config: { publicUrl: 'http://0.0.0.0:3000', sqlitePath: ':memory:' },
      logger: { level: 'warn', stream },
    });
    await app.close();
    const warnings = lines.filter((line) => line.level === 40).map((line) => line.msg);
    expect(warnings).toEqual([expect.stringContaining('publicUrl is http://0.0.0.0:3000')]);
  });
});
