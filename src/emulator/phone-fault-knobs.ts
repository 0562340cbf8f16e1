/**
 * The fault knobs of the phone API (`GET /__phone/faults`, `POST faults/inject`, `faults/script`,
 * `faults/remove`, `faults/clear`): faults as JSON, checked field by field, with ids to remove them by.
 */
import type { Fault, Faults, InjectedFault } from './faults.js';
import { FieldError, type Knob } from './phone-json.js';

export const FAULT_KINDS = [
  'malformed',
  'http-status',
  'reset',
  'delay',
  'ret',
  'hang',
  'expire',
  'redeliver',
];

/** A fault from JSON: `{kind, status?, ms?, ret?, code?}`; throws FieldError naming `fault.<x>`. */
export function faultOf(value: unknown, field = 'fault'): Fault {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new FieldError(field, 'must be an object {"kind": …}');
  const f = value as Record<string, unknown>;
  if (typeof f.kind !== 'string' || !FAULT_KINDS.includes(f.kind))
    throw new FieldError(`${field}.kind`, `must be one of ${FAULT_KINDS.join(', ')}`);
  const int = (name: string, required: boolean): number | undefined => {
    const v = f[name];
    if (v === undefined && !required) return undefined;
    if (!Number.isInteger(v)) throw new FieldError(`${field}.${name}`, 'must be an integer');
    return v as number;
  };
  switch (f.kind) {
    case 'http-status':
      return { kind: 'http-status', status: int('status', true)! };
    case 'delay':
      return { kind: 'delay', ms: int('ms', true)! };
    case 'ret':
      return { kind: 'ret', ret: int('ret', true)! };
    case 'hang': {
      const ms = int('ms', false);
      return ms === undefined ? { kind: 'hang' } : { kind: 'hang', ms };
    }
    case 'expire': {
      const code = int('code', false);
      if (code !== undefined && code !== 1100 && code !== 1101 && code !== 1102)
        throw new FieldError(`${field}.code`, 'must be 1100, 1101 or 1102');
      return code === undefined ? { kind: 'expire' } : { kind: 'expire', code };
    }
    default:
      return { kind: f.kind as 'malformed' | 'reset' | 'redeliver' };
  }
}

/** Faults over HTTP carry an id (by their fault object), so one can be removed. */
const faultIds = new WeakMap<Fault, number>();
let nextFaultId = 1;

function faultId(fault: Fault): number {
  let id = faultIds.get(fault);
  if (id === undefined) {
    id = nextFaultId++;
    faultIds.set(fault, id);
  }
  return id;
}

function faultView(f: InjectedFault): unknown {
  return { id: faultId(f.fault), endpoint: f.endpoint, fault: f.fault, hits: f.hits };
}

/** Runs faults.inject/script, whose own checks throw plain errors: the field they name. */
function guard<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    const message = (error as Error).message;
    const field = ['probability', 'times', 'endpoint', 'steps'].find((f) => message.includes(f)) ?? 'fault';
    throw new FieldError(field, `refused: ${message}`);
  }
}

/** The fault knobs. */
export function faultKnobs(faults: Faults): Knob[] {
  const str = (name: string, description: string): Knob['fields'][number] => ({
    name,
    type: 'string',
    required: true,
    description,
  });
  return [
    {
      name: 'faults',
      method: 'GET',
      summary: 'the faults still active, in injection order, with their ids and hits',
      fields: [],
      run: () => faults.list().map(faultView),
    },
    {
      name: 'faults/inject',
      method: 'POST',
      summary: 'make an endpoint misbehave (faults.inject)',
      fields: [
        str('endpoint', 'bare endpoint name (synccheck, webwxsync, …) or *'),
        { name: 'fault', type: 'object', required: true, description: '{kind, status?, ms?, ret?, code?}' },
        { name: 'times', type: 'integer', description: 'how many requests (default: until removed)' },
        { name: 'probability', type: 'number', description: 'chance per request, 0..1 (default 1)' },
      ],
      run: (a) => {
        const fault = faultOf(a.fault);
        const options = {
          ...(a.times === undefined ? {} : { times: a.times as number }),
          ...(a.probability === undefined ? {} : { probability: a.probability as number }),
        };
        return faultView(guard(() => faults.inject(a.endpoint as string, fault, options)));
      },
    },
    {
      name: 'faults/script',
      method: 'POST',
      summary: 'the n-th request to the endpoint gets steps[n] (null lets it through) (faults.script)',
      fields: [
        str('endpoint', 'bare endpoint name or *'),
        { name: 'steps', type: 'array', required: true, description: 'faults or null' },
        { name: 'loop', type: 'boolean', description: 'start over at the end (default false)' },
      ],
      run: (a) => {
        const steps = (a.steps as unknown[]).map((x, i) => (x === null ? null : faultOf(x, `steps[${i}]`)));
        const loop = a.loop === true;
        return faultView(guard(() => faults.script(a.endpoint as string, steps, { loop })));
      },
    },
    {
      name: 'faults/remove',
      method: 'POST',
      summary: 'remove one fault by its id',
      fields: [{ name: 'id', type: 'integer', required: true, description: 'as GET faults lists it' }],
      run: (a) => {
        const found = faults.list().find((f) => faultId(f.fault) === a.id);
        if (found === undefined) throw new FieldError('id', `names no active fault (${String(a.id)})`);
        found.remove();
        return { ok: true };
      },
    },
    {
      name: 'faults/clear',
      method: 'POST',
      summary: 'remove every fault',
      fields: [],
      run: () => {
        faults.clear();
        return { ok: true };
      },
    },
  ];
}
