// On every page of a lab server: a banner that says the clock runs ahead ("Lab clock: +2 h"),
// so that nobody reads an expired pass or request as a fault. It asks again now and then, and
// takes a moved clock at once from the page that moved it (the LAB_CLOCK_MOVED event).
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatLabOffset, lab, type LabStatus } from './api.ts';
import { usePoll } from './hooks.ts';

export const LAB_CLOCK_MOVED = 'pushkey:lab-clock-moved';

/** Tells every banner of this page what the lab clock now says. */
export const announceLabClock = (status: LabStatus): void => void dispatchEvent(new CustomEvent(LAB_CLOCK_MOVED, { detail: status }));

export function LabBanner(): JSX.Element | null {
  const [status, setStatus] = useState<LabStatus | null>(null);
  usePoll(true, 15_000, async () => {
    setStatus(await lab.status());
  });
  useEffect(() => {
    const moved = (e: Event) => setStatus((e as CustomEvent<LabStatus>).detail);
    addEventListener(LAB_CLOCK_MOVED, moved);
    return () => removeEventListener(LAB_CLOCK_MOVED, moved);
  }, []);
  if (!status?.enabled) return null;
  return (
    <div class="lab-banner" role="status" aria-label="Lab clock">
      <strong>Lab mode</strong> · Lab clock: <span class="lab-offset">{formatLabOffset(status.clockOffsetMs)}</span>
      {status.clockOffsetMs > 0 && <span> — passes, requests and lockouts on this server run ahead of the wall clock</span>}
    </div>
  );
}
