// The web client package's name; the client core is `@kolokol/client/core` (src/core) and the
// web UI is src/ui, bundled by scripts/client-build.ts from client/index.html.
export const CLIENT_NAME = 'kolokol-web';
