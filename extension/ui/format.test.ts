import { describe, expect, it } from 'vitest';
import { Context } from '../../protocol/messages.ts';
import { LABELLED_CONTEXT_FIELDS, formatTime, requestDetails, waitingText } from './format.ts';

describe('waitingText', () => {
  it('calls a passwordless setup a setup request, not a sign-in request', () => {
    expect(waitingText([{ kind: 'passwordless_setup' }])).toBe('A passwordless setup request is waiting for you.');
    expect(waitingText([{ kind: 'mfa' }])).toBe('A sign-in request is waiting for you.');
    expect(waitingText([{ kind: 'mfa' }, { kind: 'passwordless' }])).toBe('2 sign-in requests are waiting for you.');
    expect(waitingText([{ kind: 'mfa' }, { kind: 'passwordless_setup' }])).toBe('2 requests are waiting for you.');
  });
});

describe('requestDetails', () => {
  const context = { ip: '203.0.113.7', location: 'Zürich, CH', browser: 'Firefox 140 on Linux', time: 1790000000000 };

  it('lists the application, then the context in the prompt order, each with its label', () => {
    expect(requestDetails({ app: 'My Account', context })).toEqual([
      ['App', 'My Account'],
      ['Location', 'Zürich, CH'],
      ['IP address', '203.0.113.7'],
      ['Browser', 'Firefox 140 on Linux'],
      ['Time', formatTime(1790000000000)],
    ]);
  });

  it('leaves out what the policy hid or the server did not know', () => {
    expect(requestDetails({ app: '', context: { ...context, ip: '', location: '', time: 0 } })).toEqual([['Browser', 'Firefox 140 on Linux']]);
  });

  it('has a label for every context field of the protocol, and for no other', () => {
    expect([...LABELLED_CONTEXT_FIELDS].sort()).toEqual(Object.keys(Context.entries).sort());
  });
});
