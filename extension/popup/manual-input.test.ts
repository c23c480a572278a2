import { describe, expect, it } from 'vitest';
import { buildEnrollUri } from '../../protocol/index.ts';
import { readManualInput } from './manual-input.ts';

const CODE = 'Q2hvb3NlIGEgY29kZSBvZiAxMjg';

describe('readManualInput', () => {
  it('takes the code and the origin of the URL shown with it', () => {
    expect(readManualInput(`  ${CODE} `, ' https://login.contoso.test/myaccount/ ')).toEqual({ origin: 'https://login.contoso.test', code: CODE });
  });

  it('takes a whole pushkey:// link pasted as the code, and ignores the URL field', () => {
    const link = buildEnrollUri({ origin: 'https://login.contoso.test', code: CODE, user: 'adele@contoso.test', tenant: 'Contoso' });
    expect(readManualInput(link, 'garbage')).toEqual({ origin: 'https://login.contoso.test', code: CODE, user: 'adele@contoso.test', tenant: 'Contoso' });
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
});
