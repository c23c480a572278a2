import { describe, expect, it } from 'vitest';
import { buildEnrollUri } from '../../protocol/index.ts';
import { originTyped, readManualInput } from './manual-input.ts';

const CODE = '0123456789ABCDEFGHJKMNPQRSQ9';
const SHOWN = '0123-4567-89AB-CDEF-GHJK-MNPQ-RSQ9';

describe('readManualInput', () => {
  it('takes the code and the origin of the URL shown with it', () => {
    expect(readManualInput(`  ${CODE} `, ' https://login.contoso.test/myaccount/ ')).toEqual({ origin: 'https://login.contoso.test', code: CODE });
  });

  it('takes a whole pushkey:// link pasted as the code, and ignores the URL field', () => {
    const link = buildEnrollUri({ origin: 'https://login.contoso.test', code: CODE, user: 'adele@contoso.test', tenant: 'Contoso' });
    expect(readManualInput(link, 'garbage')).toEqual({ origin: 'https://login.contoso.test', code: CODE, user: 'adele@contoso.test', tenant: 'Contoso' });
  });

  it('takes the code as shown or as typed by hand: groups, spaces, lowercase, O for 0, I or L for 1', () => {
    const url = 'https://login.contoso.test';
    for (const typed of [SHOWN, SHOWN.toLowerCase(), '0123 4567 89ab cdef ghjk mnpq rsq9', 'O123-4567-89AB-CDEF-GHJK-MNPQ-RSQ9', '0I23-4567-89AB-CDEF-GHJK-MNPQ-RSQ9', '0l23456789abcdefghjkmnpqrsq9']) {
      expect(readManualInput(typed, url), typed).toEqual({ origin: url, code: CODE });
    }
  });

  it('says what is wrong with a mistyped code before asking the server', () => {
    expect(() => readManualInput('0123-4567-89AB-CDEF-GHJK-MNPQ-RSQ8', 'https://login.contoso.test')).toThrow(/^Check the code: .*typo/);
    expect(() => readManualInput('0123-4567-89AB-CDEF-GHJK-MNPQ', 'https://login.contoso.test')).toThrow(/28 letters and digits, this one has 24/);
    expect(() => readManualInput('U123-4567-89AB-CDEF-GHJK-MNPQ-RSQ9', 'https://login.contoso.test')).toThrow(/“U”/);
  });

  it('asks for the code when it is empty', () => {
    expect(() => readManualInput('  ', 'https://login.contoso.test')).toThrow('Enter the code.');
  });

  it('asks for a web URL when the URL is missing or not http(s)', () => {
    for (const url of ['', 'login.contoso.test', 'ftp://login.contoso.test', 'javascript:alert(1)']) {
      expect(() => readManualInput(CODE, url)).toThrow(/Enter the URL shown with the code/);
    }
  });

  it('takes plain http only on this computer or a local network', () => {
    expect(readManualInput(CODE, 'http://192.168.1.20:3000/myaccount/')).toEqual({ origin: 'http://192.168.1.20:3000', code: CODE });
    expect(() => readManualInput(CODE, 'http://login.contoso.test')).toThrow(/http:\/\/ on the internet/);
  });

  it('refuses a link of another protocol version with a message that says so', () => {
    expect(() => readManualInput(`pushkey://enroll?v=2&origin=https%3A%2F%2Fa.test&code=${CODE}&user=u&tenant=t`, '')).toThrow(/version "2" is not supported/);
  });

  it('knows the server typed so far, from the URL or a pasted link, for the device name proposal', () => {
    expect(originTyped(SHOWN, ' https://login.contoso.test/myaccount/')).toBe('https://login.contoso.test');
    const link = buildEnrollUri({ origin: 'https://login.contoso.test', code: CODE, user: 'adele@contoso.test', tenant: 'Contoso' });
    expect(originTyped(link, '')).toBe('https://login.contoso.test');
    expect(originTyped(SHOWN, 'https://log')).toBe('https://log');
    expect(originTyped(SHOWN, 'login.contoso')).toBeNull();
  });
});
