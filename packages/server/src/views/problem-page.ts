import { PATHS } from '../verification/paths.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { Messages } from './i18n/en.js';
import type { Page } from './page.js';

/** What a page that only reports a problem says, in the request's language. */
export interface Problem {
  readonly title: string;
  readonly text: string;
  /** The text of a link back to code entry, when starting again there helps. */
  readonly restart?: string;
}

/**
 * A page that reports a problem and nothing else: a heading, the message (announced), and maybe
 * a link back to code entry. The expired, failure, rate-limited, blocked and already-used pages.
 */
export function problemPage(problem: (t: Messages) => Problem): Page {
  return (context) => {
    const { title, text, restart } = problem(context.t);
    return layout(
      context,
      title,
      html`<h1>${title}</h1>
        <p class="error" role="alert">${text}</p>
        ${restart !== undefined && html`<p><a href="${PATHS.codeEntry}">${restart}</a></p>`}`,
    );
  };
}
