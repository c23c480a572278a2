import { describe, expect, it } from 'vitest';
import { browserName, defaultDeviceName, firstFreeName } from './device-name.ts';

const CHROMIUM_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

describe('the proposed device name', () => {
  it('names the browser from its client hints, the most specific brand first, and the OS', () => {
    const brands = (...names: string[]) => names.map((brand) => ({ brand, version: '140' }));
    expect(defaultDeviceName({ brands: brands('Chromium', 'Not=A?Brand'), userAgent: CHROMIUM_UA, os: 'linux' })).toBe('Chromium on Linux');
    expect(defaultDeviceName({ brands: brands('Google Chrome', 'Chromium', 'Not)A;Brand'), userAgent: CHROMIUM_UA, os: 'mac' })).toBe('Chrome on macOS');
    expect(defaultDeviceName({ brands: brands('Chromium', 'Microsoft Edge', 'Not_A Brand'), userAgent: CHROMIUM_UA, os: 'win' })).toBe('Edge on Windows');
    expect(defaultDeviceName({ brands: brands('Brave', 'Chromium'), userAgent: CHROMIUM_UA, os: 'cros' })).toBe('Brave on ChromeOS');
  });

  it('falls back to the User-Agent without client hints (Firefox), and to the raw OS name', () => {
    expect(defaultDeviceName({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0', os: 'linux' })).toBe('Firefox on Linux');
    expect(browserName({ brands: [{ brand: 'Not A Brand' }], userAgent: CHROMIUM_UA })).toBe('Chrome');
    expect(browserName({ userAgent: 'curl/8' })).toBe('Browser');
    expect(defaultDeviceName({ userAgent: CHROMIUM_UA, os: 'haiku' })).toBe('Chrome on haiku');
  });

  it('adds the first free number when another account of the server here has the name', () => {
    expect(firstFreeName('Chromium on Linux', [])).toBe('Chromium on Linux');
    expect(firstFreeName('Chromium on Linux', ['Work laptop'])).toBe('Chromium on Linux');
    expect(firstFreeName('Chromium on Linux', ['chromium on linux'])).toBe('Chromium on Linux 2');
    expect(firstFreeName('Chromium on Linux', ['Chromium on Linux', 'Chromium on Linux 2', 'Chromium on Linux 4'])).toBe('Chromium on Linux 3');
  });
});
