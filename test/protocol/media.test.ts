/** §6: the upload form, webwxcheckupload, download URLs — checked against the 2018 capture. */
import { describe, expect, it } from 'vitest';
import { ParseError, ProtocolError } from '../../src/errors.js';
import {
  buildAvatarSpec,
  buildCheckUploadRequest,
  buildGetMediaSpec,
  buildGetMsgImgSpec,
  buildGetVideoSpec,
  buildGetVoiceSpec,
  buildUploadMediaRequestJson,
  chunkCount,
  chunkRange,
  encryFileName,
  fileExtension,
  mimeTypeOf,
  parseCheckUploadReply,
  parseUploadMediaReply,
  sniffContentType,
  UPLOAD_CHUNK_SIZE,
  uploadFormFields,
  uploadMediaType,
  uploadMediaUrl,
} from '../../src/protocol/index.js';
import { readFixtureText } from '../fixtures.js';
import { CAPTURE_CTX, catchError } from './helpers.js';

const capture = readFixtureText('captures', 'full-http-capture-2018.md');

/** The uploadmediarequest JSON of the capture's second (single-part) upload. */
function capturedUploadRequest(): string {
  const m = /"ClientMediaId":1546218776042[^\n]*/.exec(capture);
  if (!m) throw new Error('capture changed');
  return `{"UploadType":2,"BaseRequest":${/\{"UploadType":2,"BaseRequest":(\{[^}]*\})/.exec(capture.slice(capture.indexOf(m[0]) - 200))?.[1]},${m[0]}`;
}

describe('upload form (§6.1)', () => {
  it('chooses mediatype by extension: pic, video, doc (gif included)', () => {
    expect(uploadMediaType('IMG_1854.JPG')).toBe('pic');
    expect(uploadMediaType('a.png')).toBe('pic');
    expect(uploadMediaType('a.bmp')).toBe('pic');
    expect(uploadMediaType('clip.mp4')).toBe('video');
    expect(uploadMediaType('fun.gif')).toBe('doc');
    expect(uploadMediaType('report.pdf')).toBe('doc');
    expect(uploadMediaType('noext')).toBe('doc');
    expect(fileExtension('../dir.x/archive.TAR.GZ')).toBe('gz');
    expect(fileExtension('.bashrc')).toBe('');
    expect(mimeTypeOf('IMG_1854.JPG')).toBe('image/jpeg');
    expect(mimeTypeOf('x.unknown')).toBe('application/octet-stream');
  });

  it('counts chunks of 524288 bytes (the capture: 3213741 bytes in 7 chunks)', () => {
    expect(UPLOAD_CHUNK_SIZE).toBe(524_288);
    expect(chunkCount(3_213_741)).toBe(7);
    expect(chunkCount(0)).toBe(1);
    expect(chunkCount(1)).toBe(1);
    expect(chunkCount(524_288)).toBe(1);
    expect(chunkCount(524_289)).toBe(2);
    expect(chunkRange(524_289, 1)).toEqual({ start: 524_288, end: 524_289 });
    expect(chunkRange(3_213_741, 6)).toEqual({ start: 3_145_728, end: 3_213_741 });
  });

  it('writes uploadmediarequest with the capture key order', () => {
    const json = buildUploadMediaRequestJson(CAPTURE_CTX, {
      deviceId: 'e233776295159507',
      clientMediaId: 1546218776042,
      totalLen: 63048,
      from: '@f0c04abe389590b02d91684d99584439',
      to: '@d77f22c1444fcbd7092fa2464899391a3cc0d6a9ec79b0770ce91be01a66a09b',
      fileMd5: 'd5703346bc99a77c1fe276f94b2d9fd4',
    });
    expect(JSON.stringify(json)).toBe(capturedUploadRequest());
  });

  it('lists the form fields in browser order, chunk fields only for chunked files', () => {
    const request = buildUploadMediaRequestJson(CAPTURE_CTX, {
      deviceId: 'e1',
      clientMediaId: 1,
      totalLen: 3_213_741,
      from: '@a',
      to: '@b',
      fileMd5: 'cc6bbb277bc836b5726cc9d9ec7549c2',
      aesKey: 'k',
      signature: 's',
    });
    expect(request.AESKey).toBe('k');
    expect(request.Signature).toBe('s');
    const init = {
      uploadIndex: 0,
      fileName: 'IMG_1002.JPG',
      mimeType: 'image/jpeg',
      lastModifiedMs: 0,
      size: 3_213_741,
      chunk: 1,
      mediaType: 'pic' as const,
      request,
      dataTicket: 'gSehWtnDWTMh38gmz0IjaFv0',
    };
    const fields = uploadFormFields(CAPTURE_CTX, init);
    expect(fields.map(([k]) => k)).toEqual([
      'id',
      'name',
      'type',
      'lastModifiedDate',
      'size',
      'chunks',
      'chunk',
      'mediatype',
      'uploadmediarequest',
      'webwx_data_ticket',
      'pass_ticket',
    ]);
    const byName = new Map(fields);
    expect(byName.get('id')).toBe('WU_FILE_0');
    expect(byName.get('chunks')).toBe('7');
    expect(byName.get('chunk')).toBe('1');
    expect(byName.get('pass_ticket')).toBe('kbmy5Jt9nj+JzBaJZYNpUBQyBwRTejeXq1sM/YH7iOI=');
    const single = uploadFormFields(CAPTURE_CTX, { ...init, size: 63048, chunk: 0 }).map(([k]) => k);
    expect(single).not.toContain('chunks');
    expect(single).not.toContain('chunk');
    expect(uploadMediaUrl(CAPTURE_CTX)).toBe(
      'https://file.wx.qq.com/cgi-bin/mmwebwx-bin/webwxuploadmedia?f=json',
    );
  });

  it('percent-encodes every non-alphanumeric byte for EncryFileName', () => {
    expect(encryFileName('IMG_1854.JPG')).toBe('IMG%5F1854%2EJPG');
    expect(encryFileName('报告 1.pdf')).toBe('%E6%8A%A5%E5%91%8A%201%2Epdf');
  });

  it('parses the captured upload reply; Ret ≠ 0 and garbage are typed errors', () => {
    const reply = parseUploadMediaReply(readFixtureText('responses', 'QJesus-webwxuploadmedia.json'));
    expect(reply.MediaId).toMatch(/^@crypt_ca8428f8_/);
    expect(reply.StartPos).toBe(63048);
    expect(reply.EncryFileName).toBe('IMG%5F1854%2EJPG');
    expect(parseUploadMediaReply('{"BaseResponse":{"Ret":0,"ErrMsg":""}}').MediaId).toBe('');
    expect(catchError(() => parseUploadMediaReply('{"BaseResponse":{"Ret":1,"ErrMsg":"x"}}'))).toBeInstanceOf(
      ProtocolError,
    );
    expect(catchError(() => parseUploadMediaReply('<html>'))).toBeInstanceOf(ParseError);
    expect(catchError(() => parseUploadMediaReply('{"BaseResponse":{"Ret":0},"MediaId":{}}'))).toBeInstanceOf(
      ParseError,
    );
  });
});

describe('webwxcheckupload (§6.2)', () => {
  it('builds the body with FileType 7 and parses the reply', () => {
    const spec = buildCheckUploadRequest(CAPTURE_CTX, {
      deviceId: 'e1',
      from: '@a',
      to: '@b',
      fileSize: 30_000_000,
      fileMd5: 'ab',
      fileName: 'big.zip',
    });
    expect(spec.method).toBe('POST');
    expect(spec.url.startsWith('https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxcheckupload?')).toBe(true);
    expect(spec.body).toMatchObject({
      kind: 'json',
      value: {
        FromUserName: '@a',
        ToUserName: '@b',
        FileSize: 30_000_000,
        FileMd5: 'ab',
        FileName: 'big.zip',
        FileType: 7,
      },
    });
    const reply = parseCheckUploadReply(
      '{"BaseResponse":{"Ret":0,"ErrMsg":""},"MediaId":"","AESKey":"k","Signature":"s","EncryFileName":"big%2Ezip"}',
    );
    expect(reply).toMatchObject({ MediaId: '', AESKey: 'k', Signature: 's' });
    expect(catchError(() => parseCheckUploadReply('{"BaseResponse":{"Ret":1205}}'))).toBeInstanceOf(
      ProtocolError,
    );
  });
});

describe('downloads (§6.3)', () => {
  it('builds the URLs and headers of every download endpoint', () => {
    const skey = encodeURIComponent(CAPTURE_CTX.credentials.skey);
    expect(buildGetMsgImgSpec(CAPTURE_CTX, '6929942228714508460', 'big').url).toBe(
      `https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxgetmsgimg?MsgID=6929942228714508460&skey=${skey}&type=big`,
    );
    expect(buildGetMsgImgSpec(CAPTURE_CTX, '1').url).not.toContain('type=');
    expect(buildGetVideoSpec(CAPTURE_CTX, '3835382370273594705')).toEqual({
      endpoint: 'webwxgetvideo',
      url: `https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxgetvideo?msgid=3835382370273594705&skey=${skey}`,
      headers: { range: 'bytes=0-' },
    });
    expect(buildGetVideoSpec(CAPTURE_CTX, '1', 100).headers.range).toBe('bytes=100-');
    expect(buildGetVoiceSpec(CAPTURE_CTX, '9').url).toContain('webwxgetvoice?msgid=9&skey=');
    const media = buildGetMediaSpec(CAPTURE_CTX, {
      sender: '@x',
      mediaId: '@crypt_1',
      encryFileName: 'a%2Epdf',
      fromUser: '176666155',
      dataTicket: 'T+/=',
    });
    expect(media.url).toBe(
      'https://file.wx.qq.com/cgi-bin/mmwebwx-bin/webwxgetmedia?sender=%40x&mediaid=%40crypt_1&encryfilename=a%2Epdf&fromuser=176666155&pass_ticket=kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D&webwx_data_ticket=T%2B%2F%3D',
    );
    expect(buildAvatarSpec(CAPTURE_CTX, '@@room').endpoint).toBe('webwxgetheadimg');
    expect(buildAvatarSpec(CAPTURE_CTX, '@person').url).toContain(
      'webwxgeticon?seq=0&username=%40person&skey=',
    );
  });

  it('sniffs content types from magic bytes', () => {
    expect(sniffContentType(Buffer.from('GIF89a'))).toBe('image/gif');
    expect(sniffContentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47]))).toBe('image/png');
    expect(sniffContentType(Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70]))).toBe('video/mp4');
    expect(sniffContentType(Buffer.from('ID3\u0003'))).toBe('audio/mpeg');
    expect(sniffContentType(Buffer.from('hello'))).toBeUndefined();
    expect(sniffContentType(new Uint8Array())).toBeUndefined();
  });
});
