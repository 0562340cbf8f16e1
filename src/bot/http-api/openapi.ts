/** The OpenAPI 3.1 description of the HTTP API, served at GET /v1/openapi.json. */

const error = { $ref: '#/components/responses/Error' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const recipient = {
  type: 'string',
  description:
    'A UserName (`@…`, `@@…` or a special name such as `filehelper`), a stable id (`wxid_…`, `…@chatroom`), or an exact name (remark name, nickname, alias or group topic).',
};

const sendBody = (extra: Record<string, object>, required: string[]) =>
  json({ type: 'object', required: ['to', ...required], properties: { to: recipient, ...extra } });

export function openApiDocument(serverUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'webwx HTTP API',
      version: '1',
      description:
        'Send messages, list contacts and rooms, read message history and stream incoming messages of a logged-in Web WeChat session. Every request needs `Authorization: Bearer <token>`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    paths: {
      '/v1/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
      '/v1/me': {
        get: {
          summary: 'The logged-in user and the session state',
          responses: { '200': json(ref('Me')), '401': { description: 'Unauthorized' } },
        },
      },
      '/v1/contacts': {
        get: {
          summary: 'Contacts (friends, official and special accounts)',
          parameters: [{ name: 'q', in: 'query', schema: { type: 'string' }, description: 'Filter by name' }],
          responses: {
            '200': json({
              type: 'object',
              properties: { contacts: { type: 'array', items: ref('Contact') } },
            }),
            '400': error,
          },
        },
      },
      '/v1/rooms': {
        get: {
          summary: 'Group chats',
          responses: {
            '200': json({ type: 'object', properties: { rooms: { type: 'array', items: ref('Room') } } }),
          },
        },
      },
      '/v1/rooms/{room}/members': {
        get: {
          summary: 'The members of a group, with their group display names',
          parameters: [{ name: 'room', in: 'path', required: true, schema: recipient }],
          responses: {
            '200': json({
              type: 'object',
              properties: { room: ref('Room'), members: { type: 'array', items: { type: 'object' } } },
            }),
            '404': error,
          },
        },
      },
      '/v1/messages/text': {
        post: {
          summary: 'Send a text',
          requestBody: {
            required: true,
            ...sendBody({ text: { type: 'string', maxLength: 10000 } }, ['text']),
          },
          responses: {
            '200': json(ref('Sent')),
            '400': error,
            '404': error,
            '409': error,
            '415': error,
            '429': error,
            '503': error,
          },
        },
      },
      '/v1/messages/image': {
        post: {
          summary: 'Send an image',
          requestBody: {
            required: true,
            ...sendBody(
              { data: { type: 'string', contentEncoding: 'base64' }, fileName: { type: 'string' } },
              ['data'],
            ),
          },
          responses: { '200': json(ref('Sent')), '400': error, '404': error, '413': error, '501': error },
        },
      },
      '/v1/messages/file': {
        post: {
          summary: 'Send a file',
          requestBody: {
            required: true,
            ...sendBody(
              { data: { type: 'string', contentEncoding: 'base64' }, fileName: { type: 'string' } },
              ['data', 'fileName'],
            ),
          },
          responses: { '200': json(ref('Sent')), '400': error, '404': error, '413': error, '501': error },
        },
      },
      '/v1/messages/revoke': {
        post: {
          summary: 'Revoke a message sent within the last two minutes (what a send answered)',
          requestBody: {
            required: true,
            ...json({
              type: 'object',
              required: ['msgId', 'localId', 'toUserName'],
              properties: { msgId: { type: 'string' }, localId: { type: 'string' }, toUserName: recipient },
            }),
          },
          responses: {
            '200': json({ type: 'object', properties: { revoked: { type: 'boolean' } } }),
            '400': error,
            '502': error,
          },
        },
      },
      '/v1/chats/{chat}/messages': {
        get: {
          summary: 'Message history of a chat, oldest first (from the message store)',
          parameters: [
            { name: 'chat', in: 'path', required: true, schema: recipient },
            {
              name: 'limit',
              in: 'query',
              schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            },
            {
              name: 'before',
              in: 'query',
              schema: { type: 'integer', minimum: 0 },
              description: 'Only messages with a seq below this',
            },
          ],
          responses: {
            '200': json({
              type: 'object',
              properties: { messages: { type: 'array', items: { type: 'object' } } },
            }),
            '400': error,
            '404': error,
            '501': error,
          },
        },
      },
      '/v1/events': {
        get: {
          summary: 'Incoming messages as server-sent events (`event: message`, data: a Message as JSON)',
          responses: {
            '200': {
              description: 'text/event-stream',
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            '503': error,
          },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      responses: {
        Error: {
          description: 'What was wrong',
          ...json({ type: 'object', required: ['error'], properties: { error: { type: 'string' } } }),
        },
      },
      schemas: {
        Recipient: { type: 'object', properties: { to: recipient } },
        Sent: {
          type: 'object',
          properties: {
            msgId: { type: 'string' },
            localId: { type: 'string' },
            toUserName: { type: 'string' },
          },
        },
        Me: { type: 'object', properties: { state: { type: 'string' }, self: ref('Contact') } },
        Contact: {
          type: 'object',
          properties: {
            userName: { type: 'string' },
            stableId: { type: 'string' },
            nickName: { type: 'string' },
            remarkName: { type: 'string' },
            alias: { type: 'string' },
            kind: { type: 'string' },
          },
        },
        Room: {
          type: 'object',
          properties: {
            userName: { type: 'string' },
            stableId: { type: 'string' },
            topic: { type: 'string' },
            memberCount: { type: 'integer' },
          },
        },
        Message: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            kind: { type: 'string' },
            createTime: { type: 'integer' },
            text: { type: 'string' },
            isSelf: { type: 'boolean' },
            chat: { type: 'object' },
            sender: { type: 'object' },
          },
        },
      },
    },
  };
}
