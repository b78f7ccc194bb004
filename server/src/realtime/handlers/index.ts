// Every socket event handler, wired once. The router refuses to start if an event in
// shared's `clientEvents` has no handler here, or has two.
import type { ClientEventName } from '@kolokol/shared';
import type { AccountService } from '../../domain/accounts.js';
import type { AuditLog } from '../../domain/audit/audit-log.js';
import type { ModerationService } from '../../domain/audit/moderation.js';
import type { VettingService } from '../../domain/audit/vetting.js';
import type { CertificateService } from '../../domain/certificates.js';
import type { ConversationMessageService } from '../../domain/conversations/conversation-messages.js';
import type { ConversationService } from '../../domain/conversations/conversations.js';
import type { DeviceService } from '../../domain/devices.js';
import type { EnvelopePrekeyService } from '../../domain/envelope-prekeys.js';
import type { OfferService } from '../../domain/offers.js';
import type { PrekeyService } from '../../domain/prekeys.js';
import type { ReportService } from '../../domain/reports.js';
import type { RequestService } from '../../domain/requests.js';
import type { MatchService } from '../../domain/moderation/matches.js';
import type { ProposalDecisions } from '../../domain/moderation/proposal-decisions.js';
import type { Proposer } from '../../domain/moderation/proposer.js';
import type { ModerationQueue } from '../../domain/moderation/queue.js';
import type { AnyEventHandler, EventHandler } from '../handler.js';
import { LoginKeyFailures } from '../login-key-failures.js';
import { memoryLimiters, type LimiterFactory } from '../../scale/limiters.js';
import { accountRekey } from './account-rekey.js';
import { auditEntries } from './audit-entries.js';
import { auditHead } from './audit-head.js';
import { certificatesList } from './certificates-list.js';
import { certificatesPublish } from './certificates-publish.js';
import { conversationsAck } from './conversations-ack.js';
import { conversationsBlock } from './conversations-block.js';
import { conversationsClose } from './conversations-close.js';
import { conversationsFetch } from './conversations-fetch.js';
import { conversationsList } from './conversations-list.js';
import { conversationsOpen } from './conversations-open.js';
import { conversationsSend } from './conversations-send.js';
import { conversationsSetTimer } from './conversations-set-timer.js';
import { devicesAdd } from './devices-add.js';
import { devicesList } from './devices-list.js';
import { devicesRemove } from './devices-remove.js';
import { devicesReserve } from './devices-reserve.js';
import { envelopePrekeysFetch } from './envelope-prekeys-fetch.js';
import { envelopePrekeysPublish } from './envelope-prekeys-publish.js';
import { keysBackupPut } from './keys-backup-put.js';
import { matchesAccept } from './matches-accept.js';
import { matchesBlock } from './matches-block.js';
import { matchesDecline } from './matches-decline.js';
import { matchesEnd } from './matches-end.js';
import { matchesList } from './matches-list.js';
import { moderationApprove } from './moderation-approve.js';
import { moderationQueue } from './moderation-queue.js';
import { moderationReject } from './moderation-reject.js';
import { moderationRepropose } from './moderation-repropose.js';
import { moderationReinstate } from './moderation-reinstate.js';
import { moderationSuspend } from './moderation-suspend.js';
import { offersGet } from './offers-get.js';
import { offersPut } from './offers-put.js';
import { offersSetPaused } from './offers-set-paused.js';
import { prekeysAddOneTime } from './prekeys-add-one-time.js';
import { prekeysAddOneTimeKem } from './prekeys-add-one-time-kem.js';
import { prekeysFetch, type PrekeyFetchLimits } from './prekeys-fetch.js';
import { prekeysSetSigned } from './prekeys-set-signed.js';
import { prekeysStatus } from './prekeys-status.js';
import { reportsCreate } from './reports-create.js';
import { reportsDismiss } from './reports-dismiss.js';
import { reportsList } from './reports-list.js';
import { requestsCancel } from './requests-cancel.js';
import { requestsCreate } from './requests-create.js';
import { requestsList } from './requests-list.js';
import { revocationsPublish } from './revocations-publish.js';
import { sessionWhoAmI } from './session-whoami.js';
import { vettingStatus } from './vetting-status.js';
import { volunteersUnvet } from './volunteers-unvet.js';
import { volunteersVet } from './volunteers-vet.js';

export interface HandlerDeps {
  readonly accounts: AccountService;
  readonly devices: DeviceService;
  readonly prekeys: PrekeyService;
  readonly certificates: CertificateService;
  readonly envelopePrekeys: EnvelopePrekeyService;
  readonly offers: OfferService;
  readonly requests: RequestService;
  readonly reports: ReportService;
  readonly prekeyFetchLimits: PrekeyFetchLimits;
  /** Where counting limits live: this process's memory, or Redis shared by every process. */
  readonly limiters?: LimiterFactory;
  readonly auditLog: AuditLog;
  readonly vetting: VettingService;
  readonly moderation: ModerationService;
  readonly conversations: ConversationService;
  readonly conversationMessages: ConversationMessageService;
  readonly proposer: Proposer;
  readonly queue: ModerationQueue;
  readonly proposalDecisions: ProposalDecisions;
  readonly matches: MatchService;
}

/**
 * After `handler` succeeded, asks for a matching run (coalesced, not awaited): for the events
 * that change what can be matched — a new or cancelled request, an offer changed, a volunteer
 * vetted, unvetted, suspended or reinstated.
 */
function thenMatch<E extends ClientEventName>(
  handler: EventHandler<E>,
  proposer: Proposer,
): EventHandler<E> {
  return {
    ...handler,
    handle: async (payload, context) => {
      const result = await handler.handle(payload, context);
      void proposer.request();
      return result;
    },
  };
}

export function allHandlers(deps: HandlerDeps): AnyEventHandler[] {
  const limiters = deps.limiters ?? memoryLimiters;
  const loginKeyFailures = new LoginKeyFailures(limiters);
  return [
    sessionWhoAmI(),
    keysBackupPut(deps.accounts, loginKeyFailures),
    accountRekey(deps.accounts, loginKeyFailures),
    devicesReserve(deps.devices),
    devicesAdd(deps.devices),
    devicesRemove(deps.devices),
    devicesList(deps.devices),
    prekeysSetSigned(deps.prekeys),
    prekeysAddOneTime(deps.prekeys),
    prekeysAddOneTimeKem(deps.prekeys),
    prekeysStatus(deps.prekeys),
    prekeysFetch(deps.prekeys, deps.prekeyFetchLimits, limiters),
    certificatesPublish(deps.certificates),
    certificatesList(deps.certificates),
    revocationsPublish(deps.certificates),
    envelopePrekeysPublish(deps.envelopePrekeys),
    envelopePrekeysFetch(deps.envelopePrekeys),
    conversationsOpen(deps.conversations),
    conversationsList(deps.conversations),
    conversationsSend(deps.conversationMessages),
    conversationsFetch(deps.conversationMessages),
    conversationsAck(deps.conversationMessages),
    conversationsClose(deps.conversations),
    conversationsSetTimer(deps.conversations),
    conversationsBlock(deps.matches),
    thenMatch(volunteersVet(deps.vetting), deps.proposer),
    thenMatch(volunteersUnvet(deps.vetting), deps.proposer),
    vettingStatus(deps.vetting),
    thenMatch(moderationSuspend(deps.moderation), deps.proposer),
    thenMatch(moderationReinstate(deps.moderation), deps.proposer),
    auditHead(deps.auditLog),
    auditEntries(deps.auditLog),
    thenMatch(offersPut(deps.offers), deps.proposer),
    offersGet(deps.offers),
    thenMatch(offersSetPaused(deps.offers), deps.proposer),
    thenMatch(requestsCreate(deps.requests), deps.proposer),
    requestsList(deps.requests),
    thenMatch(requestsCancel(deps.requests), deps.proposer),
    moderationQueue(deps.queue),
    moderationApprove(deps.proposalDecisions),
    moderationReject(deps.proposalDecisions),
    moderationRepropose(deps.proposalDecisions),
    matchesList(deps.matches),
    matchesAccept(deps.matches),
    matchesDecline(deps.matches),
    matchesEnd(deps.matches),
    matchesBlock(deps.matches),
    reportsCreate(deps.reports),
    reportsList(deps.reports),
    reportsDismiss(deps.reports),
  ];
}
