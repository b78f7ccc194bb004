// `npm run admin -- <command>`: the operator's tool, run on the server host against the same
// store as the server. Moderators and admins exist only through `enrol`.
import { handleSchema } from '@kolokol/shared';
import { loadConfig } from '../config/config.js';
import { AccountService } from '../domain/accounts.js';
import { systemClock } from '../domain/clock.js';
import { RevocationFeed } from '../domain/revocations.js';
import { SessionService } from '../domain/sessions.js';
import { AppError } from '../errors.js';
import { openStore } from '../store/open-store.js';
import { parseInput } from '../validation.js';

const USAGE = `usage: npm run admin -- <command>

commands:
  enrol <moderator|admin> <handle>   reserve a handle and print a one-time enrolment code
  suspend <handle>                   suspend an account and end all its sessions
  unsuspend <handle>                 lift a suspension
`;

async function run(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const config = loadConfig();
  const store = await openStore(config);
  try {
    const clock = systemClock;
    const sessions = new SessionService({
      store,
      clock,
      revocations: new RevocationFeed(),
      ttlMs: config.sessionTtlMs,
    });
    const accounts = new AccountService({
      store,
      clock,
      sessions,
      enrolmentTtlMs: config.enrolmentTtlMs,
    });
    switch (command) {
      case 'enrol': {
        const [role, rawHandle] = args;
        if ((role !== 'moderator' && role !== 'admin') || rawHandle === undefined) break;
        const handle = parseInput(handleSchema, rawHandle);
        const { code, expiresAt } = await accounts.enrol(handle, role);
        process.stdout.write(
          `enrolment code for ${role} "${handle}" (shown once, valid until ${new Date(expiresAt).toISOString()}):\n${code}\n`,
        );
        return 0;
      }
      case 'suspend': {
        if (args[0] === undefined) break;
        const ended = await accounts.suspend(parseInput(handleSchema, args[0]));
        process.stdout.write(`suspended; ${ended} session(s) ended\n`);
        return 0;
      }
      case 'unsuspend': {
        if (args[0] === undefined) break;
        await accounts.unsuspend(parseInput(handleSchema, args[0]));
        process.stdout.write('suspension lifted\n');
        return 0;
      }
      default:
        process.stderr.write(`unknown command: ${command}\n`);
    }
    process.stderr.write(USAGE);
    return 2;
  } finally {
    await store.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `admin: ${error instanceof AppError ? error.message : error instanceof Error ? error.message : 'failed'}\n`,
    );
    process.exit(1);
  },
);
