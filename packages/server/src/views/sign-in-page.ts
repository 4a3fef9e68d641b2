import { PATHS } from '../verification/paths.js';
import { fieldDescription, formError } from './form-error.js';
import { html } from './html.js';
import { layout } from './layout.js';
import type { Page } from './page.js';

/** What the sign-in page shows. */
export interface SignInView {
  readonly csrf: string;
  /** The tenant of the device code: users of that tenant only. */
  readonly tenant: string;
  /** The username typed last time (the password never comes back). */
  readonly username?: string;
  /** The one message for an unknown user, a wrong password or a disabled account. */
  readonly invalid?: boolean;
}

/** `GET /device/signin`: username and password for the code's tenant. */
export function signInPage(view: SignInView): Page {
  return (context) => {
    const t = context.t.signIn;
    return layout(
      context,
      t.title,
      html`<h1>${t.title}</h1>
        ${formError(t.invalid, view.invalid)}
        <p>${t.intro(view.tenant)}</p>
        <form method="post" action="${PATHS.signIn}">
          <input type="hidden" name="csrf" value="${view.csrf}" />
          <label for="username">${t.username}</label>
          <input
            id="username"
            name="username"
            type="text"
            value="${view.username ?? ''}"
            maxlength="256"
            autocomplete="username"
            autocapitalize="none"
            spellcheck="false"
            required
            ${view.invalid === true ? '' : html`autofocus`}
          />
          <label for="password">${t.password}</label>
          <input
            id="password"
            name="password"
            type="password"
            maxlength="1024"
            autocomplete="current-password"
            required
            ${fieldDescription(view.invalid)}
            ${view.invalid === true && html`autofocus`}
          />
          <div class="actions"><button type="submit">${t.submit}</button></div>
        </form>`,
      { error: view.invalid },
    );
  };
}
