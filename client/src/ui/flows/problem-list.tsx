// What stops a form from being sent, each in a sentence, announced when the person tries.
export function ProblemList({ problems }: { problems: readonly string[] }) {
  if (problems.length === 0) return null;
  return (
    <ul class="problems" role="alert">
      {problems.map((problem) => (
        <li key={problem} class="error">
          {problem}
        </li>
      ))}
    </ul>
  );
}
