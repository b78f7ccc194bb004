// The socket and HTTP limits the docs quote are the ones the code enforces: numbers in
// docs/protocol.md and README rows for every setting of the socket layer, with their defaults.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config/config.js';
import {
  LARGEST_EVENT_PAYLOAD_BYTES,
  MAX_CONNECT_PACKET_BYTES,
  MAX_STRIKES,
  PACKET_FRAMING_BYTES,
  PING_INTERVAL_MS,
  PING_TIMEOUT_MS,
  SOCKET_CONNECT_TIMEOUT_MS,
} from '../../server/src/realtime/limits.js';
import { REPO_ROOT } from '../support/process.js';

const protocol = await readFile(`${REPO_ROOT}/docs/protocol.md`, 'utf8');
const readme = await readFile(`${REPO_ROOT}/README.md`, 'utf8');

describe('docs/protocol.md quotes the socket limits in force', () => {
  it.each([
    ['the largest event payload', `${LARGEST_EVENT_PAYLOAD_BYTES} bytes`],
    ['the packet framing allowance', `${PACKET_FRAMING_BYTES} bytes of packet framing`],
    ['the default message limit', `${LARGEST_EVENT_PAYLOAD_BYTES + PACKET_FRAMING_BYTES} bytes`],
    ['the CONNECT packet limit', `over ${MAX_CONNECT_PACKET_BYTES} bytes`],
    ['the connect timeout', `within ${SOCKET_CONNECT_TIMEOUT_MS / 1000} s`],
    ['the ping interval', `every ${PING_INTERVAL_MS / 1000} s`],
    ['the ping timeout', `${PING_TIMEOUT_MS / 1000} s late`],
    ['the strike limit', `(\`MAX_STRIKES\`)`],
  ])('%s', (_name, text) => {
    expect(protocol).toContain(text);
  });

  it('names twenty strikes as the code does', () => {
    expect(MAX_STRIKES).toBe(20);
    expect(protocol).toContain('Twenty refused events');
  });
});

describe('README configuration table', () => {
  const defaults = loadConfig({});
  it.each([
    ['KOLOKOL_MAX_SOCKET_MESSAGE_BYTES', defaults.maxSocketMessageBytes],
    ['KOLOKOL_SOCKET_EVENTS_PER_SECOND', defaults.socketEventsPerSecond],
    ['KOLOKOL_ACCOUNT_EVENTS_PER_SECOND', defaults.accountEventsPerSecond],
    ['KOLOKOL_SOCKET_CONNECTS_PER_ACCOUNT_PER_MINUTE', defaults.socketConnectsPerAccountPerMinute],
    ['KOLOKOL_ALLOW_POLLING', defaults.allowPolling],
    ['KOLOKOL_HTTP_HEADERS_TIMEOUT_SECONDS', defaults.httpHeadersTimeoutMs / 1000],
    ['KOLOKOL_HTTP_REQUEST_TIMEOUT_SECONDS', defaults.httpRequestTimeoutMs / 1000],
    ['KOLOKOL_HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', defaults.httpKeepAliveTimeoutMs / 1000],
    ['KOLOKOL_MAX_CONNECTIONS', defaults.maxConnections],
  ])('has a row for %s with its default', (name, value) => {
    expect(readme).toMatch(new RegExp(`\\| \`${name}\` +\\| \`${String(value)}\` +\\|`));
  });
});
