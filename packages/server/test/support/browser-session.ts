/**
 * A tiny browser for the verification pages over real HTTP: keeps cookies (a jar keyed by name),
 * sends a chosen client IP (X-Forwarded-For, for servers that trust the proxy) and user agent,
 * does not follow redirects by itself, and reads CSRF fields and form actions out of pages.
 */

/** One HTTP response as the tests look at it. */
export interface PageResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly html: string;
  /** Raw Set-Cookie headers of this response. */
  readonly setCookies: readonly string[];
  /** The `csrf` hidden field of the (first) form, if any. */
  readonly csrf: string | undefined;
  /** The `action` of every form, in order. */
  readonly actions: readonly string[];
  /** Location of a redirect. */
  readonly location: string | undefined;
}

/** How the browser presents itself. */
export interface BrowserOptions {
  /** Sent as X-Forwarded-For. */
  readonly ip?: string;
  readonly userAgent?: string;
  /** Extra headers on every request (e.g. X-Forwarded-Proto). */
  readonly headers?: Readonly<Record<string, string>>;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The `csrf` hidden field's value in a page. */
export function csrfOf(html: string): string | undefined {
  const match = /<input\s+type="hidden"\s+name="csrf"\s+value="([^"]*)"\s*\/?>/.exec(html);
  return match?.[1] === undefined ? undefined : decodeEntities(match[1]);
}

/** The actions of the page's forms. */
export function formActionsOf(html: string): string[] {
  return [...html.matchAll(/<form\s[^>]*action="([^"]*)"/g)].map((m) => decodeEntities(m[1] ?? ''));
}

/** A browser with its own cookie jar. */
export class BrowserSession {
  readonly #base: string;
  readonly #options: BrowserOptions;
  /** Cookie name → value. */
  readonly cookies = new Map<string, string>();
  /** Every cookie value the server set, in order, redirects included (the jar keeps the latest). */
  readonly cookieValuesSet: string[] = [];
  /** Every CSRF field value of every page received, in order. */
  readonly csrfTokensSeen: string[] = [];

  constructor(base: string, options: BrowserOptions = {}) {
    this.#base = base;
    this.#options = options;
  }

  /** GET a path (with query). */
  get(path: string): Promise<PageResponse> {
    return this.#request('GET', path, undefined);
  }

  /** POST a form as application/x-www-form-urlencoded. */
  post(path: string, form: Readonly<Record<string, string>>): Promise<PageResponse> {
    return this.#request('POST', path, new URLSearchParams(form).toString());
  }

  /**
   * Submits the page's first form to its action with its CSRF token plus `fields`, as a browser
   * would; then follows redirects.
   */
  async submit(page: PageResponse, fields: Readonly<Record<string, string>>): Promise<PageResponse> {
    const action = page.actions[0];
    if (action === undefined) throw new Error(`no form on the page (status ${page.status})`);
    return this.follow(await this.post(action, { csrf: page.csrf ?? '', ...fields }));
  }

  /** Follows redirects (GET) from a response until a page. */
  async follow(response: PageResponse): Promise<PageResponse> {
    let current = response;
    for (let hops = 0; current.status >= 300 && current.status < 400; hops += 1) {
      if (hops === 10 || current.location === undefined) throw new Error('redirect loop or no Location');
      current = await this.get(current.location);
    }
    return current;
  }

  async #request(method: string, path: string, body: string | undefined): Promise<PageResponse> {
    const headers: Record<string, string> = { ...this.#options.headers };
    if (this.#options.ip !== undefined) headers['x-forwarded-for'] = this.#options.ip;
    if (this.#options.userAgent !== undefined) headers['user-agent'] = this.#options.userAgent;
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(new URL(path, this.#base), {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
    });
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) this.#store(header);
    const html = await response.text();
    const csrf = csrfOf(html);
    if (csrf !== undefined) this.csrfTokensSeen.push(csrf);
    return {
      status: response.status,
      headers: response.headers,
      html,
      setCookies,
      csrf,
      actions: formActionsOf(html),
      location: response.headers.get('location') ?? undefined,
    };
  }

  #store(header: string): void {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (eq < 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const gone = attributes.some((a) => /^\s*max-age=(0|-\d+)\s*$/i.test(a));
    if (gone || value === '') this.cookies.delete(name);
    else {
      this.cookies.set(name, value);
      this.cookieValuesSet.push(value);
    }
  }
}
