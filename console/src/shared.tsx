/** Small pieces the views share: the acknowledging name, loading and error states, severity badges. */
import { useState } from 'preact/hooks';

const nameKey = 'calciphylaxis-console:ack-name';

/** The name to acknowledge with, remembered on this device (the deployed console knows the user). */
export function useAckName(): [string, (name: string) => void] {
  const [name, setName] = useState(() => localStorage.getItem(nameKey) ?? '');
  return [
    name,
    (next: string) => {
      localStorage.setItem(nameKey, next);
      setName(next);
    },
  ];
}

export function AckNameField({
  name,
  onName,
  id,
}: {
  name: string;
  onName: (name: string) => void;
  id: string;
}) {
  return (
    <div class="field">
      <label for={id}>Acknowledge as (your name)</label>
      <input
        id={id}
        type="text"
        autocomplete="name"
        value={name}
        maxLength={200}
        onInput={(event) => onName((event.target as HTMLInputElement).value)}
      />
    </div>
  );
}

export function Severity({ severity }: { severity: string }) {
  return <span class={`badge severity-${severity}`}>{severity}</span>;
}

export function State({ state }: { state: string }) {
  return <span class={`badge state-${state}`}>{state === 'open' ? 'unacknowledged' : state}</span>;
}

export function Failure({ error }: { error: unknown }) {
  return (
    <p class="error" role="alert">
      {error instanceof Error ? error.message : String(error)}
    </p>
  );
}

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'failed'; error: unknown };
