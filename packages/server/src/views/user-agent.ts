/**
 * A User-Agent header in plain words for the consent page ("Chrome", "Windows"; "devicelogin
 * 0.1.0", "Linux"), shown above the raw string. The header is whatever the other side chose to
 * send (an attacker's device can claim anything), so this only makes the claim readable: it
 * proves nothing, and the raw value stays on the page.
 */

/** How much of a header is read. */
const MAX_READ = 512;

/** What a User-Agent says it is. */
export interface UserAgentSummary {
  /** The browser or program, with its version for programs (`Firefox`, `devicelogin 0.1.0`). */
  readonly software: string;
  /** The operating system, when the header names one. */
  readonly platform?: string;
}

/** Browsers, most specific first (Edge and Opera also say Chrome; Chrome also says Safari). */
const BROWSERS: readonly (readonly [RegExp, string])[] = [
  [/\bEdg(?:e|A|iOS)?\//, 'Microsoft Edge'],
  [/\bOPR\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(?:Firefox|FxiOS)\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Chrome (headless)'],
  [/\b(?:Chrome|CriOS)\//, 'Chrome'],
  [/\bSafari\//, 'Safari'], // after Chrome and the others that also say Safari
];

/** Operating systems in a browser's header, most specific first (Android also says Linux). */
const BROWSER_PLATFORMS: readonly (readonly [RegExp, string])[] = [
  [/\bWindows NT\b/, 'Windows'],
  [/\biPhone\b/, 'iPhone'],
  [/\biPad\b/, 'iPad'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** Node's `process.platform` names, as programs like ours put them in their header's comment. */
const NODE_PLATFORMS: Readonly<Record<string, string>> = {
  linux: 'Linux',
  darwin: 'macOS',
  win32: 'Windows',
  freebsd: 'FreeBSD',
  openbsd: 'OpenBSD',
  android: 'Android',
};

function firstMatch(text: string, table: readonly (readonly [RegExp, string])[]): string | undefined {
  return table.find(([pattern]) => pattern.test(text))?.[1];
}

/** A leading `Name/1.2.3` product token (RFC 9110 §10.1.5), and the first comment's first word. */
const PRODUCT = /^([A-Za-z][\w.+-]*)\/([\w.+-]+)/;
const COMMENT = /\(([a-z0-9]+)[ ;)]/i;

/** The header in plain words, or undefined when it says nothing recognisable (shown raw only). */
export function summariseUserAgent(fullHeader: string): UserAgentSummary | undefined {
  // Real headers are a few hundred characters; the rest of a long one (up to Node's 16 KB header
  // limit) is not read, so no pattern ever runs over an attacker's 16 KB.
  const header = fullHeader.slice(0, MAX_READ);
  if (header.startsWith('Mozilla/')) {
    const software = firstMatch(header, BROWSERS);
    if (software === undefined) return undefined;
    const platform = firstMatch(header, BROWSER_PLATFORMS);
    return platform === undefined ? { software } : { software, platform };
  }
  // A program names itself with a product token and its version (`curl/8.5.0`); a bare word
  // says too little to be worth restating.
  const product = PRODUCT.exec(header);
  if (product?.[1] === undefined || product[2] === undefined) return undefined;
  const software = `${product[1]} ${product[2]}`;
  const platform = NODE_PLATFORMS[COMMENT.exec(header)?.[1]?.toLowerCase() ?? ''];
  return platform === undefined ? { software } : { software, platform };
}
