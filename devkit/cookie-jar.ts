// Cookies kept as a browser keeps them for one origin: set by Set-Cookie, removed by an
// empty value or a past expiry, sent back on every call. The devkit's client and the tests'
// HTTP client both keep theirs here.
export class CookieJar {
  private cookies = new Map<string, string>();

  /** The Cookie header to send, if any cookie is kept. */
  header(): string | undefined {
    return this.cookies.size ? [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') : undefined;
  }

  keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
}
