// The few pages the provider renders itself (sign-out confirmation, signed out, an error it
// cannot send back to the app), in the sign-in card's look. The style is inline (helmet's CSP
// allows inline styles, not scripts); everything interpolated is escaped by the caller.
const STYLE = `body{margin:0;background:#f3f2f1;color:#1b1b1b;font:15px/1.45 'Segoe UI',system-ui,-apple-system,Arial,sans-serif}
main{max-width:440px;margin:10vh auto;background:#fff;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}p{margin:0 0 12px}.muted{color:#605e5c;font-size:13px}
.actions{display:flex;gap:10px;justify-content:flex-end;margin-top:24px}
button{font:inherit;font-weight:600;min-height:32px;padding:5px 18px;border-radius:2px;border:1px solid #0067b8;background:#0067b8;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1b1b1b;border-color:#8a8886}`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}
