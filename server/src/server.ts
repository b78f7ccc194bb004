// Composition root: builds the domain services over a store, the express app and the
// socket.io server on one HTTP server, and knows how to shut them down gracefully.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config/config.js';
import { AccountService } from './domain/accounts.js';
import { AuditLog } from './domain/audit/audit-log.js';
import { Decisions } from './domain/audit/decisions.js';
import { ModerationService } from './domain/audit/moderation.js';
import { VettingService } from './domain/audit/vetting.js';
import { systemClock, type Clock } from './domain/clock.js';
import { LoginService } from './domain/login.js';
import { RevocationFeed } from './domain/revocations.js';
import { SessionService } from './domain/sessions.js';
import { CertificateService } from './domain/certificates.js';
import { DeviceService } from './domain/devices.js';
import { ConversationMessageService } from './domain/conversations/conversation-messages.js';
import { ConversationService } from './domain/conversations/conversations.js';
import { EnvelopePrekeyService } from './domain/envelope-prekeys.js';
import { OfferService } from './domain/offers.js';
import { PrekeyService } from './domain/prekeys.js';
import { RequestLifecycle } from './domain/request-lifecycle.js';
import { ReportService } from './domain/reports.js';
import { RequestService } from './domain/requests.js';
import { MatchService } from './domain/moderation/matches.js';
import { ProposalDecisions } from './domain/moderation/proposal-decisions.js';
import { Proposer } from './domain/moderation/proposer.js';
import { ModerationQueue } from './domain/moderation/queue.js';
import { HOUSEKEEPING_INTERVAL_MS, purgeExpired } from './domain/housekeeping.js';
import { socketNotifier } from './realtime/socket-notifier.js';
import { createApp } from './http/app.js';
import { errorName, type Logger } from './logger.js';
import { createRealtime, type Realtime } from './realtime/create-realtime.js';
import { HTTP_TIMEOUT_CHECK_INTERVAL_MS } from './realtime/limits.js';
import type { SharedState } from './scale/shared-state.js';
import type { Store } from './store/ports.js';

export interface KolokolServer {
  readonly http: HttpServer;
  readonly realtime: Realtime;
  readonly services: {
    readonly accounts: AccountService;
    readonly sessions: SessionService;
    readonly login: LoginService;
    readonly moderation: ModerationService;
    readonly requests: RequestService;
    readonly requestLifecycle: RequestLifecycle;
    readonly proposer: Proposer;
    readonly matches: MatchService;
    readonly reports: ReportService;
    readonly conversations: ConversationService;
  };
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets in-flight acks finish (bounded by the grace period), closes the store. */
  close(): Promise<void>;
}

export function createKolokolServer(deps: {
  readonly config: Config;
  readonly store: Store;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** What several processes share (Redis, scale/); unset: one process, all in memory. */
  readonly shared?: SharedState;
}): KolokolServer {
  const { config, store, logger } = deps;
  const clock = deps.clock ?? systemClock;
  // The domain's budgets: shared through Redis when configured, else each service's own memory.
  const budgets = deps.shared?.budgets;
  const revocations = new RevocationFeed();
  const sessions = new SessionService({ store, clock, revocations, ttlMs: config.sessionTtlMs });
  const accounts = new AccountService({
    store,
    clock,
    sessions,
    enrolmentTtlMs: config.enrolmentTtlMs,
  });
  const login = new LoginService({ store, clock });
  // The notifier needs the socket.io server, which needs the handlers, which need the services.
  const late: { realtime?: Realtime } = {};
  const notifier = socketNotifier(() => late.realtime?.io);
  const devices = new DeviceService({
    store,
    clock,
    notifier,
    revocations,
    maxDevicesPerAccount: config.maxDevicesPerAccount,
  });
  const prekeys = new PrekeyService({
    store,
    clock,
    notifier,
    oneTimePrekeysPerTargetPerHour: config.oneTimePrekeysPerTargetPerHour,
    budgets,
  });
  const auditLog = new AuditLog({ store, clock });
  const decisions = new Decisions({
    store,
    clock,
    log: auditLog,
    rootPublicKey: config.rootPublicKey,
  });
  const vetting = new VettingService({ store, decisions });
  const reports = new ReportService({
    store,
    clock,
    notifier,
    decisions,
    newAccountMs: config.newAccountMs,
    closedRetentionMs: config.closedReportRetentionMs,
    budgets,
  });
  const certificates = new CertificateService({
    store,
    clock,
    log: auditLog,
    rootPublicKey: config.rootPublicKey,
  });
  const envelopePrekeys = new EnvelopePrekeyService({ store, clock });
  const conversations = new ConversationService({ store, clock, notifier });
  const conversationMessages = new ConversationMessageService({
    store,
    clock,
    notifier,
    conversations,
    messagesPerMinute: config.conversationMessagesPerMinute,
    budgets,
  });
  const moderation = new ModerationService({
    store,
    log: auditLog,
    decisions,
    sessions,
    reports,
    conversations,
  });
  const offers = new OfferService({ store, clock });
  const requestLifecycle = new RequestLifecycle({
    store,
    clock,
    notifier,
    ages: { expiryMs: config.requestExpiryMs, endedRetentionMs: config.endedRequestRetentionMs },
    conversations,
  });
  const requests = new RequestService({
    store,
    clock,
    lifecycle: requestLifecycle,
    maxOpenPerContact: config.maxOpenRequests,
    createsPerHour: config.requestCreatesPerHour,
    budgets,
  });
  const proposer = new Proposer({
    store,
    clock,
    lifecycle: requestLifecycle,
    notifier,
    onError: (error) => logger.error({ errorName: errorName(error) }, 'matching run failed'),
  });
  const criticalSkills = new Set(config.criticalSkills);
  const queue = new ModerationQueue({ store, criticalSkills });
  const proposalDecisions = new ProposalDecisions({
    store,
    clock,
    decisions,
    lifecycle: requestLifecycle,
    notifier,
    proposer,
    criticalSkills,
    acceptTimeoutMs: config.matchAcceptTimeoutMs,
  });
  const matches = new MatchService({
    store,
    clock,
    lifecycle: requestLifecycle,
    notifier,
    proposer,
    conversations,
  });

  const app = createApp({
    config,
    logger,
    store,
    accounts,
    login,
    sessions,
    ...(deps.shared === undefined
      ? {}
      : {
          sharedLimits: { limiters: deps.shared.limiters, keyKey: deps.shared.limitKeyKey },
          shared: deps.shared,
        }),
  });
  const http = createServer(
    {
      // Slow headers and slow bodies (slow-loris) are cut off, not held for Node's 300 s default.
      headersTimeout: config.httpHeadersTimeoutMs,
      requestTimeout: config.httpRequestTimeoutMs,
      keepAliveTimeout: config.httpKeepAliveTimeoutMs,
      connectionsCheckingInterval: HTTP_TIMEOUT_CHECK_INTERVAL_MS,
    },
    app,
  );
  // Connections past the cap are dropped on arrival: memory and descriptors stay bounded.
  http.maxConnections = config.maxConnections;
  const realtime = createRealtime(http, {
    config,
    logger,
    sessions,
    devices,
    revocations,
    handlerDeps: {
      accounts,
      devices,
      prekeys,
      certificates,
      envelopePrekeys,
      offers,
      requests,
      reports,
      prekeyFetchLimits: {
        perPairPerHour: config.prekeyFetchesPerPairPerHour,
        perCallerPerHour: config.prekeyFetchesPerCallerPerHour,
      },
      auditLog,
      vetting,
      moderation,
      conversations,
      conversationMessages,
      proposer,
      queue,
      proposalDecisions,
      matches,
      ...(deps.shared === undefined ? {} : { limiters: deps.shared.limiters }),
    },
    now: () => clock.now(),
    ...(deps.shared === undefined ? {} : { shared: deps.shared }),
  });

  late.realtime = realtime;

  const housekeeping = () =>
    Promise.all([
      purgeExpired(store, clock),
      requestLifecycle.housekeep(),
      matches.housekeep(),
      reports.housekeep(),
      conversations.housekeep(),
    ]).catch((error: unknown) =>
      logger.error({ errorName: errorName(error) }, 'housekeeping failed'),
    );
  void housekeeping();
  const housekeepingTimer = setInterval(() => void housekeeping(), HOUSEKEEPING_INTERVAL_MS);
  housekeepingTimer.unref();
  // Matching on a timer, besides the runs new requests and offer changes ask for.
  const matchingTimer = setInterval(() => void proposer.request(), config.matchIntervalMs);
  matchingTimer.unref();

  let closing: Promise<void> | undefined;
  return {
    http,
    realtime,
    services: {
      accounts,
      sessions,
      login,
      moderation,
      requests,
      requestLifecycle,
      proposer,
      matches,
      reports,
      conversations,
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(port, host, () => {
          http.off('error', reject);
          resolve(http.address() as AddressInfo);
        });
      }),
    close() {
      closing ??= (async () => {
        clearInterval(housekeepingTimer);
        clearInterval(matchingTimer);
        http.close(); // stop accepting; open connections finish below
        await realtime.close(config.shutdownGraceMs);
        http.closeAllConnections();
        await proposer.idle();
        await deps.shared?.close();
        await store.close();
      })();
      return closing;
    },
  };
}
