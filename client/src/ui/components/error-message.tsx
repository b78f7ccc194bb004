// A failure, said at once to screen readers too (role="alert").
export function ErrorMessage({ text }: { text: string | undefined }) {
  return text === undefined ? null : (
    <p class="error" role="alert">
      {text}
    </p>
  );
}
