import { describe, expect, it } from 'vitest';
import * as protocol from '../../src/protocol/index.js';

describe('src/protocol/index.ts', () => {
  it('re-exports every function and constant other layers are coding against', () => {
    const contract = [
      'parseJsAssignments',
      'newDeviceId',
      'newClientMsgId',
      'rParam',
      'formatSyncKey',
      'buildBaseRequest',
      'parseJsonReply',
      'assertOk',
      'isUsableSyncKey',
      'APP_ID',
      'UOS_EXTSPAM',
      'UOS_CLIENT_VERSION',
      'DEFAULT_HOSTS',
      'DEFAULT_SYNCCHECK_FALLBACKS',
      'buildJsLoginRequest',
      'parseJsLoginReply',
      'qrContentUrl',
      'buildQrImageRequest',
      'buildLoginPollRequest',
      'parseLoginPollReply',
      'buildNewLoginPageRequest',
      'parseNewLoginPageReply',
      'deriveHosts',
      'buildPushLoginRequest',
      'parsePushLoginReply',
      'buildLogoutRequest',
      'buildInitRequest',
      'parseInitReply',
      'buildStatusNotifyRequest',
      'parseStatusNotifyReply',
      'buildGetContactRequest',
      'parseGetContactReply',
      'BATCH_LIMIT',
      'buildBatchGetContactRequests',
      'parseBatchGetContactReply',
      'buildSyncCheckRequest',
      'parseSyncCheckReply',
      'buildSyncRequest',
      'parseSyncReply',
      'buildSendTextRequest',
      'parseSendMsgReply',
      'MMWEBWX',
    ];
    expect(contract.filter((name) => !(name in protocol))).toEqual([]);
  });

  it('has no default export', () => {
    expect('default' in protocol).toBe(false);
  });
});
