// `npm run admin -- <command>`: the operator's tool. Account commands run on the server host
// against the same store as the server; root-key commands are offline and touch files only.
import {
  fromBase64Url,
  handleSchema,
  publishCertificateSchema,
  publishRevocationListSchema,
  toBase64Url,
} from '@kolokol/shared';
import { loadConfig } from '../config/config.js';
import { AccountService, PENDING_ENROLMENT } from '../domain/accounts.js';
import { AuditLog } from '../domain/audit/audit-log.js';
import { Decisions } from '../domain/audit/decisions.js';
import { SILENT_NOTIFIER } from '../domain/notifier.js';
import { ModerationService } from '../domain/audit/moderation.js';
import { verifyAuditLog } from '../domain/audit/verify-log.js';
import { CertificateService } from '../domain/certificates.js';
import { systemClock } from '../domain/clock.js';
import { ConversationService } from '../domain/conversations/conversations.js';
import { ReportService } from '../domain/reports.js';
import { RevocationFeed } from '../domain/revocations.js';
import { SessionService } from '../domain/sessions.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/ports.js';
import { openStore } from '../store/open-store.js';
import { dumpCommand } from './dump.js';
import { parseInput } from '../validation.js';
import { revoke, signerInit } from './revocation-signer.js';
import { certify, certifySigner, encodeIdentityText, rootInit } from './root-key.js';

const USAGE = `usage: npm run admin -- <command>

on the server host (uses KOLOKOL_DATA_DIR, KOLOKOL_ROOT_PUBLIC_KEY):
  enrol <moderator|admin> <handle> [--replace]
                                       reserve a handle and print a one-time enrolment code;
                                       a handle whose earlier code is still pending is refused
                                       unless --replace, which voids that earlier code
  suspend <handle>                     suspend an account and end all its sessions (logged as
                                       an operator action in the audit log)
  unsuspend <handle>                   lift a suspension (logged likewise)
  identity <handle>                    print an account's public identity, to certify offline
  import-certificate <certificate>     publish a root-signed moderator certificate
  import-revocations <statement>       publish a revocation statement (refused if it is stale,
                                       older than the current one, or drops a revoked serial)
  audit-head                           print the audit log's length and head hash: record it
                                       elsewhere (a checkpoint)
  audit-verify [--checkpoint <hash>]   check the whole audit log — chain, signatures,
                                       certificates — and name the first broken entry; with
                                       --checkpoint, that a head recorded earlier is still in it;
                                       and that the stored vetting is what the log decided
  export <file>                        write every record of the store to a new file (0600): as
                                       sensitive as the database itself (docs/deploy.md#backups)
  import <file>                        read a dump into an empty store (a new data directory,
                                       server stopped); all or nothing

offline, with the root key (passphrase in KOLOKOL_ROOT_PASSPHRASE):
  root-init <file>                     create the root key file; prints KOLOKOL_ROOT_PUBLIC_KEY
  certify <file> <handle> <identity> [days]   print a moderator certificate (default 180 days)
  certify-signer <file> <signer-key> [days]   certify a revocation signer key (1..90, default 60)

with the revocation signer key (passphrase in KOLOKOL_SIGNER_PASSPHRASE; KOLOKOL_ROOT_PUBLIC_KEY):
  signer-init <signer-file>            create a signer key file; prints the key to certify
  revoke <signer-file> <signer-certificate> <previous> [certificate...]
                                       print a revocation statement valid 48 h: every serial of
                                       <previous> (the published statement, or "remembered",
                                       or "first" once per deployment) plus these certificates;
                                       run it at least daily, then import-revocations
`;

const print = (text: string) => process.stdout.write(`${text}\n`);

async function offline(command: string, args: readonly string[]): Promise<boolean> {
  const [file, ...rest] = args;
  if (file === undefined) return false;
  if (command === 'root-init') {
    print(`root key written to ${file}; pin this in the server and clients:`);
    print(`KOLOKOL_ROOT_PUBLIC_KEY=${await rootInit(file)}`);
    return true;
  }
  if (command === 'certify' && rest[0] !== undefined && rest[1] !== undefined) {
    print(await certify(file, rest[0], rest[1], rest[2] === undefined ? 180 : Number(rest[2])));
    return true;
  }
  if (command === 'certify-signer' && rest[0] !== undefined) {
    print(await certifySigner(file, rest[0], rest[1] === undefined ? 60 : Number(rest[1])));
    return true;
  }
  if (command === 'signer-init') {
    print(
      `signer key written to ${file}; certify this key with certify-signer on the root machine:`,
    );
    print(await signerInit(file));
    return true;
  }
  if (command === 'revoke' && rest[0] !== undefined && rest[1] !== undefined) {
    const [signerCertificate, previous, ...certificates] = rest;
    print(
      await revoke(file, signerCertificate, previous, certificates, (line) =>
        process.stderr.write(`admin: ${line}\n`),
      ),
    );
    return true;
  }
  return false;
}

async function online(command: string, args: readonly string[]): Promise<boolean> {
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
    const log = new AuditLog({ store, clock });
    const certificates = new CertificateService({
      store,
      clock,
      log,
      rootPublicKey: config.rootPublicKey,
    });
    const decisions = new Decisions({ store, clock, log, rootPublicKey: config.rootPublicKey });
    // No sockets here to tell of anything: the running server's pushes are its own.
    const reports = new ReportService({
      store,
      clock,
      notifier: SILENT_NOTIFIER,
      decisions,
      newAccountMs: config.newAccountMs,
      closedRetentionMs: config.closedReportRetentionMs,
    });
    // A suspension closes the account's conversations here too; the running server's sockets
    // are not told (its own pushes), but a send into them is refused from then on.
    const conversations = new ConversationService({ store, clock, notifier: SILENT_NOTIFIER });
    const moderation = new ModerationService({
      store,
      log,
      decisions,
      sessions,
      reports,
      conversations,
    });
    const operator = { accountId: 'operator-cli', role: 'admin' as const };
    const [first, second] = args;
    switch (command) {
      case 'enrol': {
        const flags = args.slice(2);
        if ((first !== 'moderator' && first !== 'admin') || second === undefined) return false;
        if (flags.some((flag) => flag !== '--replace')) return false;
        const handle = parseInput(handleSchema, second);
        let enrolment;
        try {
          enrolment = await accounts.enrol(handle, first, {
            replacePending: flags.includes('--replace'),
          });
        } catch (error) {
          if (error instanceof AppError && error.message === PENDING_ENROLMENT) {
            throw new AppError(
              'CONFLICT',
              `"${handle}" already has a pending enrolment; its code still works. Re-run with ` +
                '--replace to void that code and print a new one.',
            );
          }
          throw error;
        }
        const { code, expiresAt, replaced } = enrolment;
        if (replaced) print(`the earlier code for this handle no longer works.`);
        print(
          `enrolment code for ${first} "${handle}" (shown once, valid until ${new Date(expiresAt).toISOString()}):`,
        );
        print(code);
        return true;
      }
      case 'suspend': {
        if (first === undefined) return false;
        const ended = await moderation.byOperator('suspend', parseInput(handleSchema, first));
        print(`suspended; ${ended} session(s) ended`);
        return true;
      }
      case 'unsuspend':
        if (first === undefined) return false;
        await moderation.byOperator('reinstate', parseInput(handleSchema, first));
        print('suspension lifted');
        return true;
      case 'audit-head': {
        if (first !== undefined) return false;
        const { length, hash } = await log.head();
        print(`audit log: ${length} entries; head (record it elsewhere as a checkpoint):`);
        print(toBase64Url(hash));
        return true;
      }
      case 'audit-verify':
        return await auditVerify(store, config.rootPublicKey, args);
      case 'identity': {
        if (first === undefined) return false;
        const account = await accounts.findByHandle(parseInput(handleSchema, first));
        print(encodeIdentityText(account));
        return true;
      }
      case 'import-certificate': {
        if (first === undefined) return false;
        const { serial, expiresAt } = await certificates.publish(
          operator,
          parseInput(publishCertificateSchema, { certificate: first.trim() }).certificate,
        );
        print(`certificate ${serial} published, valid until ${new Date(expiresAt).toISOString()}`);
        return true;
      }
      case 'import-revocations': {
        if (first === undefined) return false;
        const list = parseInput(publishRevocationListSchema, { revocationList: first.trim() });
        const { issuedAt } = await certificates.publishRevocations(list.revocationList);
        print(`revocation statement of ${new Date(issuedAt).toISOString()} published`);
        return true;
      }
      default:
        return false;
    }
  } finally {
    await store.close();
  }
}

/** A failed verification: printed as the CLI's error line, exit status 1. */
class AuditBroken extends Error {}

async function auditVerify(
  store: Store,
  rootPublicKey: Uint8Array | undefined,
  args: readonly string[],
): Promise<boolean> {
  const [flag, text, ...rest] = args;
  if (rest.length > 0 || (flag !== undefined && (flag !== '--checkpoint' || text === undefined))) {
    return false;
  }
  const checkpoint = text === undefined ? undefined : fromBase64Url(text.trim());
  if (text !== undefined && checkpoint?.length !== 32) {
    throw new AppError('BAD_REQUEST', 'checkpoint: expected a head hash as audit-head prints it');
  }
  if (rootPublicKey === undefined) {
    throw new AppError('UNAVAILABLE', 'audit-verify needs KOLOKOL_ROOT_PUBLIC_KEY');
  }
  const result = await verifyAuditLog(store, rootPublicKey, checkpoint);
  if (!result.ok && 'broken' in result) {
    throw new AuditBroken(
      `audit log BROKEN at entry #${result.broken.seq}: ${result.broken.reason}`,
    );
  }
  const { summary } = result;
  const counts =
    `${summary.statements} signed decision(s), ${summary.certificates} certificate(s), ` +
    `${summary.revocations} revocation statement(s), ${summary.operatorActions} operator action(s)`;
  if (!result.ok && 'stateMismatch' in result) {
    const what = {
      vetting: 'vetting does',
      approvals: 'approved matches do',
      reports: 'abuse reports do',
    }[result.state];
    throw new AuditBroken(
      `${what} NOT match the audit log (${summary.length} entries verify): ${result.stateMismatch}`,
    );
  }
  if (!result.ok) {
    throw new AuditBroken(
      `audit log BROKEN: the checkpoint is not an entry of this log (${summary.length} entries ` +
        'verify on their own): it was rewritten or cut short after the checkpoint was recorded',
    );
  }
  print(`audit log verified: ${summary.length} entries (${counts})`);
  print(`head: ${toBase64Url(summary.head)}`);
  if (result.checkpointAt !== undefined) {
    print(
      `checkpoint found at entry #${result.checkpointAt}, ${summary.length - result.checkpointAt} entries ago`,
    );
  }
  return true;
}

async function run(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === 'export' || command === 'import') {
    return (await dumpCommand(command, args)) ? 0 : 2;
  }
  const known = ['root-init', 'certify', 'certify-signer', 'signer-init', 'revoke'].includes(
    command,
  )
    ? await offline(command, args)
    : await online(command, args);
  if (known) return 0;
  process.stderr.write(USAGE);
  return 2;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // AppError and ConfigError messages are written for people and carry no secrets.
    process.stderr.write(
      `admin: ${error instanceof AppError || error instanceof Error ? error.message : 'failed'}\n`,
    );
    process.exit(1);
  },
);
