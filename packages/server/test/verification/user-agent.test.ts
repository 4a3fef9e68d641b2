import { describe, expect, it } from 'vitest';
import { summariseUserAgent } from '../../src/views/user-agent.js';

// The consent page's plain words for a User-Agent header: real headers of today's browsers and of
// command-line programs, and what is left raw.

describe('summariseUserAgent', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      { software: 'Chrome', platform: 'Windows' },
    ],
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0',
      { software: 'Microsoft Edge', platform: 'Windows' },
    ],
    [
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      { software: 'Safari', platform: 'macOS' },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      { software: 'Safari', platform: 'iPhone' },
    ],
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
      { software: 'Chrome', platform: 'Android' },
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      { software: 'Firefox', platform: 'Linux' },
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
      { software: 'Chrome (headless)', platform: 'Linux' },
    ],
    [
      'devicelogin/0.1.0 devicelogin-client/0.1.0 node/20.20.2 (linux x64)',
      { software: 'devicelogin 0.1.0', platform: 'Linux' },
    ],
    ['azsdk-python-identity/1.19.0 Python/3.12.3 (Windows-11)', { software: 'azsdk-python-identity 1.19.0' }],
    ['curl/8.5.0', { software: 'curl 8.5.0' }],
  ])('%s', (header, summary) => {
    expect(summariseUserAgent(header)).toStrictEqual(summary);
  });

  it.each(['', 'node', 'Mozilla/5.0 (compatible; SomeBot)', '<script>alert(1)</script>', 'Browser "><img>'])(
    'leaves %j raw (nothing recognisable to say)',
    (header) => {
      expect(summariseUserAgent(header)).toBeUndefined();
    },
  );

  it('reads at most the first 512 characters of a header (up to 16 KB reach the page)', () => {
    const padding = 'Version/1 '.repeat(1600); // the shape that made a backtracking pattern quadratic
    expect(summariseUserAgent(`Mozilla/5.0 (Windows NT 10.0) ${padding}Chrome/1 Safari/1`)).toBeUndefined();
    expect(summariseUserAgent(`Mozilla/5.0 (Windows NT 10.0) ${'Version/1 '.repeat(40)}Chrome/1`)).toStrictEqual({
      software: 'Chrome',
      platform: 'Windows',
    });
  });
});
