/**
 * The pages' whole stylesheet, served by the verification routes at `/device/style.css` (CSP
 * `style-src 'self'`: no inline styles, no third-party assets). A plain string on purpose: an
 * `html` template would be reflowed as markup by the formatter.
 */
export const STYLESHEET = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:100%/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f3f3f3}
main{max-width:30rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 2px 8px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin:0 0 1rem}
h2{font-size:1.05rem;margin:1.25rem 0 .25rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=password]{width:100%;min-height:2.75rem;padding:.6rem;font-size:1.1rem;color:inherit;background:#fff;border:1px solid #757575;border-radius:4px}
input.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:1.35rem;letter-spacing:.15em;text-transform:uppercase}
button{min-height:2.75rem;font:inherit;font-weight:600;padding:.6rem 1.4rem;border-radius:4px;border:1px solid #0f5ba8;background:#0f6cbd;color:#fff;cursor:pointer}
button:hover{background:#0f5ba8}
button:active{background:#0c4a8a}
a{color:#0f5ba8}
:focus-visible{outline:3px solid #0b3b66;outline-offset:2px}
input:focus-visible{border-color:#0b3b66}
.actions{display:flex;gap:1rem;margin-top:1.5rem}
.actions button{flex:1}
.error{padding:.75rem;border-left:4px solid #c50f1f;background:#fdf3f4}
.notice{padding:.75rem;border-left:4px solid #0f6cbd;background:#f0f6fc}
.warning{padding:.75rem;border-left:4px solid #bc4b09;background:#fff9f5;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
time{white-space:nowrap}
.muted{color:#616161;font-size:.9rem}
.hint{margin:0 0 .25rem;color:#595959;font-size:.9rem}
.code-display{font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:.1em;white-space:nowrap}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
footer{max-width:30rem;margin:0 auto 2rem;padding:0 2rem}
.languages{list-style:none;display:flex;flex-wrap:wrap;gap:0 1rem;padding:0;margin:0 -.25rem}
.languages a{display:inline-flex;align-items:center;min-height:2.75rem;padding:0 .25rem}
.languages a[aria-current]{font-weight:600;color:#1b1b1b}
@media (max-width:34rem){body{background:#fff}main{margin:0 auto;padding:1.25rem 1rem;border-radius:0;box-shadow:none}footer{padding:0 1rem}h1{font-size:1.35rem}}
@media (max-width:22rem){dl{grid-template-columns:1fr;gap:0}dd{margin-bottom:.5rem}.actions{flex-direction:column}}
/* MFA pages (mfa-page.ts, mfa-enrol-page.ts, recovery-codes-page.ts) */
.qr{display:block;width:13rem;height:13rem;max-width:100%;margin:.5rem auto}
.totp-key{text-align:center;font-size:1.15rem}
.totp-key .code-display{white-space:normal;letter-spacing:.05em;word-spacing:.15em}
details.recovery{margin-top:1.5rem}
details.recovery summary{cursor:pointer;color:#0f5ba8;padding:.65rem 0;width:max-content;max-width:100%}
.recovery-codes{font-family:ui-monospace,Menlo,Consolas,monospace;columns:2;column-gap:2rem;padding-left:2rem}
.recovery-codes code{white-space:nowrap}
@media (max-width:30rem){.recovery-codes{columns:1}}
`;
