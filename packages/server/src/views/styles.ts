/**
 * The pages' whole stylesheet, served by the verification routes at `/device/style.css` (CSP
 * `style-src 'self'`: no inline styles, no third-party assets). A plain string on purpose: an
 * `html` template would be reflowed as markup by the formatter.
 */
export const STYLESHEET = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f3f3f3}
main{max-width:30rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 2px 8px rgba(0,0,0,.12)}
h1{font-size:1.5rem;margin:0 0 1rem}
h2{font-size:1.05rem;margin:1.25rem 0 .25rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=password]{width:100%;padding:.6rem;font-size:1.1rem;border:1px solid #8a8a8a;border-radius:4px}
input.code{font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:.15em;text-transform:uppercase}
button{font-size:1rem;padding:.6rem 1.4rem;border-radius:4px;border:1px solid #0f5ba8;background:#0f6cbd;color:#fff;cursor:pointer}
.actions{display:flex;gap:1rem;margin-top:1.5rem}
.actions button{flex:1}
.error{padding:.75rem;border-left:4px solid #c50f1f;background:#fdf3f4}
.notice{padding:.75rem;border-left:4px solid #0f6cbd;background:#f0f6fc}
.warning{padding:.75rem;border-left:4px solid #bc4b09;background:#fff9f5;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.5rem 0}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
.muted{color:#616161;font-size:.9rem}
`;
