// "Rename" on an Authenticator app in Security info: a name that tells this device from the
// others ("Chrome – work profile"). The same rule as the server's (protocol DeviceName) is
// checked here first, so a slip is named before anything is sent.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import * as v from 'valibot';
import { DeviceName } from '../../protocol/fields.ts';
import { me, type DeviceView } from '../shared/api.ts';
import { useAction } from '../shared/hooks.ts';
import { Dialog, ErrorNotice, Field, Form, FormButtons } from '../shared/ui.tsx';

const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1) + '.';

export function RenameDevice({ device, onClose, onRenamed }: { device: DeviceView; onClose: () => void; onRenamed: (device: DeviceView) => void }): JSX.Element {
  const [name, setName] = useState(device.name);
  const [problem, setProblem] = useState<string | null>(null);
  const save = useAction(async () => {
    const parsed = v.safeParse(DeviceName, name);
    if (!parsed.success) return setProblem(sentence(parsed.issues[0].message));
    setProblem(null);
    onRenamed(await me.renameDevice(device.id, parsed.output));
  });
  return (
    <Dialog title="Rename Authenticator app" onClose={onClose}>
      <Form class="stack" onSubmit={() => void save.run()}>
        <p>Give this device a name that tells it from your others, such as the browser and profile it runs in.</p>
        <Field
          id="device-name"
          label="Device name"
          value={name}
          onInput={(value) => {
            setName(value);
            setProblem(null);
          }}
          hint="Up to 64 characters, e.g. “Chrome – work profile”."
          error={problem}
          spellcheck={false}
          required
          autoFocus
        />
        <ErrorNotice message={save.error} />
        <FormButtons submit="Save" onCancel={onClose} busy={save.busy} />
      </Form>
    </Dialog>
  );
}
