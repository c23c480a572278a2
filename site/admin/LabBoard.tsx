// The instructor's board: students × the lab's tasks, each cell done or not as the server
// reads it from the sign-in and audit logs, linking to the entries that count. It asks again
// every few seconds, so cells turn done while the class works. Beside it, the lab clock.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, formatLabOffset, lab, LAB_TASKS, messageOf, type LabBoard, type LabCell } from '../shared/api.ts';
import { formatDateTime } from '../shared/format.ts';
import { usePoll, useAction } from '../shared/hooks.ts';
import { announceLabClock } from '../shared/lab-banner.tsx';
import { Button, ErrorNotice, Heading, Notice, Spinner } from '../shared/ui.tsx';

/** How often the board asks again. */
const REFRESH_MS = 3000;

const STEPS: [minutes: number, label: string][] = [
  [10, '+10 min'],
  [60, '+1 h'],
  [8 * 60, '+8 h'],
  [24 * 60, '+1 day'],
  [30 * 24 * 60, '+30 days'],
];

/** The log page, filtered as the cell says, that lists the entries behind it. */
const linkOf = (cell: LabCell) => `#/${cell.link.log}?${new URLSearchParams(cell.link.query).toString()}`;

export function LabBoardPage(): JSX.Element {
  const [board, setBoard] = useState<LabBoard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [off, setOff] = useState(false);
  usePoll(!off, REFRESH_MS, async () => {
    try {
      setBoard(await lab.board());
      setError(null);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'lab_mode_off') setOff(true);
      if (err instanceof ApiError && err.status === 401) throw err;
      setError(messageOf(err));
    }
  });
  const move = useAction(async (minutes: number) => {
    const status = await lab.fastForward(minutes);
    announceLabClock(status);
    setBoard(await lab.board());
  });

  if (off) {
    return (
      <>
        <Heading>Lab board</Heading>
        <Notice kind="warning" title="This server is not in lab mode">
          Set up a lab with <code>npm run lab -- --students 24</code> for this server's data directory, then start the server again.
        </Notice>
      </>
    );
  }
  const done = (cells: LabCell[]) => cells.filter((c) => c.done).length;
  return (
    <>
      <div class="page-head">
        <Heading>Lab board</Heading>
        <p class="muted">
          Each student's progress through the lab guide's five phases and five bites, read from the sign-in and audit logs (updated every {REFRESH_MS / 1000} s). Open a cell for the entries
          that count.
        </p>
      </div>
      <section class="panel stack" aria-labelledby="lab-clock-title">
        <h2 id="lab-clock-title">Lab clock</h2>
        <p>
          The server's clock runs <strong data-testid="lab-offset">{formatLabOffset(board?.clockOffsetMs ?? 0)}</strong> ahead of the wall clock. Move it forward to show a
          Temporary Access Pass, a request or a lockout expire without waiting. It never goes back; every move is in the audit log. Sessions age with it: a student idle
          past the session limit by the lab clock signs in again (yours carries on).
        </p>
        <div class="row">
          {STEPS.map(([minutes, label]) => (
            <Button key={minutes} onClick={() => void move.run(minutes)} busy={move.busy} aria-label={`Move the lab clock ${label}`}>
              {label}
            </Button>
          ))}
        </div>
        <ErrorNotice message={move.error} />
      </section>
      <section class="panel">
        <ErrorNotice message={error} />
        {!board ? (
          <Spinner label="Loading the board…" />
        ) : board.students.length === 0 ? (
          <p class="muted">No students yet: run npm run lab -- --students 24.</p>
        ) : (
          <div class="table-wrap">
            <table class="lab-board" aria-label="Students and their tasks">
              <thead>
                <tr>
                  <th scope="col" class="lab-student">
                    Student (group {board.group})
                  </th>
                  {LAB_TASKS.map((t) => (
                    <th scope="col" class={`lab-task ${t.part === 'bite' ? 'lab-bite' : ''}`} title={t.hint} key={t.id}>
                      {t.label}
                    </th>
                  ))}
                  <th scope="col">Done</th>
                </tr>
              </thead>
              <tbody>
                {board.students.map((s) => (
                  <tr key={s.userId} data-student={s.upn}>
                    <th scope="row" class="lab-student">
                      <a href={`#/users/${s.userId}`}>{s.displayName}</a>
                      <div class="small muted">{s.upn}</div>
                    </th>
                    {s.cells.map((cell) => {
                      const task = LAB_TASKS.find((t) => t.id === cell.task)!;
                      const what = cell.done
                        ? `Done ${formatDateTime(cell.at!)}: ${cell.evidence.map((e) => e.text).join('; ')}`
                        : cell.evidence.length
                          ? `Part done: ${cell.evidence.map((e) => e.text).join('; ')}`
                          : `Not yet: ${task.hint}`;
                      return (
                        <td class={task.part === 'bite' ? 'lab-bite' : ''} key={cell.task}>
                          <a class="lab-cell" href={linkOf(cell)} data-task={cell.task} data-done={String(cell.done)} title={what} aria-label={`${s.displayName}, ${task.label}: ${what}`}>
                            {cell.done ? '✓' : '·'}
                          </a>
                        </td>
                      );
                    })}
                    <td>
                      {done(s.cells)}/{LAB_TASKS.length}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p class="small muted">Read at {formatDateTime(board.at)} (lab clock). Columns in blue are the five bites.</p>
          </div>
        )}
      </section>
    </>
  );
}
