// What is happening while an action runs (status: read out without interrupting).
export function BusyMessage({ text, busy }: { text: string; busy: boolean }) {
  return (
    <p class="hint" role="status">
      {busy ? text : ''}
    </p>
  );
}
