// The server's address: the directory the page was served from, so a client served under a
// reverse proxy's sub-path (https://example.org/kolokol/) talks to that same sub-path.
export function serverUrl(): string {
  const here = new URL('.', location.href);
  return `${here.origin}${here.pathname.replace(/\/$/, '')}`;
}
