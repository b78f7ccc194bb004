// Every socket event handler, wired once. The router refuses to start if an event in
// shared's `clientEvents` has no handler here, or has two.
import type { AccountService } from '../../domain/accounts.js';
import type { AuditLog } from '../../domain/audit/audit-log.js';
import type { ModerationService } from '../../domain/audit/moderation.js';
import type { VettingService } from '../../domain/audit/vetting.js';
import type { CertificateService } from '../../domain/certificates.js';
import type { DeviceService } from '../../domain/devices.js';
import type { DirectMessageService } from '../../domain/direct-messages.js';
import type { EnvelopePrekeyService } from '../../domain/envelope-prekeys.js';
import type { OfferService } from '../../domain/offers.js';
import type { PrekeyService } from '../../domain/prekeys.js';
import type { ReportService } from '../../domain/reports.js';
import type { RequestService } from '../../domain/requests.js';
import type { AnyEventHandler } from '../handler.js';
import { LoginKeyFailures } from '../login-key-failures.js';
import { accountRekey } from './account-rekey.js';
import { auditHead } from './audit-head.js';
import { certificatesList } from './certificates-list.js';
import { certificatesPublish } from './certificates-publish.js';
import { devicesAdd } from './devices-add.js';
import { devicesList } from './devices-list.js';
import { devicesRemove } from './devices-remove.js';
import { devicesReserve } from './devices-reserve.js';
import { directAck } from './direct-ack.js';
import { directFetch } from './direct-fetch.js';
import { directSend } from './direct-send.js';
import { envelopePrekeysFetch } from './envelope-prekeys-fetch.js';
import { envelopePrekeysPublish } from './envelope-prekeys-publish.js';
import { keysBackupPut } from './keys-backup-put.js';
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
  readonly direct: DirectMessageService;
  readonly envelopePrekeys: EnvelopePrekeyService;
  readonly offers: OfferService;
  readonly requests: RequestService;
  readonly reports: ReportService;
  readonly prekeyFetchLimits: PrekeyFetchLimits;
  readonly auditLog: AuditLog;
  readonly vetting: VettingService;
  readonly moderation: ModerationService;
}

export function allHandlers(deps: HandlerDeps): AnyEventHandler[] {
  const loginKeyFailures = new LoginKeyFailures();
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
    prekeysFetch(deps.prekeys, deps.prekeyFetchLimits),
    certificatesPublish(deps.certificates),
    certificatesList(deps.certificates),
    revocationsPublish(deps.certificates),
    envelopePrekeysPublish(deps.envelopePrekeys),
    envelopePrekeysFetch(deps.envelopePrekeys),
    directSend(deps.direct),
    directFetch(deps.direct),
    directAck(deps.direct),
    volunteersVet(deps.vetting),
    volunteersUnvet(deps.vetting),
    vettingStatus(deps.vetting),
    moderationSuspend(deps.moderation),
    moderationReinstate(deps.moderation),
    auditHead(deps.auditLog),
    offersPut(deps.offers),
    offersGet(deps.offers),
    offersSetPaused(deps.offers),
    requestsCreate(deps.requests),
    requestsList(deps.requests),
    requestsCancel(deps.requests),
    reportsCreate(deps.reports),
    reportsList(deps.reports),
    reportsDismiss(deps.reports),
  ];
}
