/**
 * Validation against the vendored Amazon DCV Session Manager Broker definition
 * (dcv-session-manager-api.yaml, OpenAPI 3.0). Node only: it reads the yaml from disk.
 *
 * Requests are checked STRICTLY, because the real Broker is a Java service that binds each
 * body to a model class and refuses what it cannot bind: a field the model does not have (a
 * misspelling, or `sessionIds` instead of `SessionIds`) or a value of the wrong type is an
 * error here, not something silently ignored that would then behave differently in the field.
 * Responses are checked leniently (extra properties allowed), since a newer Broker may add
 * fields and a client must tolerate them.
 *
 * What is documented and what is ours:
 * - Types, `$ref`s, `nullable`, formats: the definition (documented).
 * - `additionalProperties: false` on request objects: our assumption about the Java binding
 *   (the definition says nothing either way).
 * - `MaxResults` 1..1000: the definition's own description ("if provided must be between 1
 *   and 1000"); checked against that text when loading, so a change to the definition is noticed.
 * - Required request fields: not marked in the definition; taken from AWS's API reference
 *   (sm-dev CreateSessions: Name, Owner, Type "Required: Yes"; DeleteSessions: SessionId, Owner
 *   "Required: Yes"). Other operations get no required fields.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export type ValidationResult = { ok: true } | { ok: false; errors: string[] };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const FILE = 'dcv-session-manager-api.yaml';
/** Where ajv finds the converted component schemas; never fetched. */
const SCHEMA_ID = 'https://dcv-launcher.invalid/dcv-session-manager-api.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** One operation of the definition, as a router needs it. */
export interface BrokerOperation {
  operationId: string;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH';
  /** The definition's template, e.g. '/sessionConnectionData/{sessionId}/{user}'. */
  path: string;
  /** Undefined when the operation takes no body. */
  requestBody?: { required: boolean };
  /** The path parameters when `pathname` matches the template (values URL-decoded), else undefined. */
  match(pathname: string): Record<string, string> | undefined;
}

interface Loaded {
  doc: JsonObject;
  operations: BrokerOperation[];
  requestSchemas: Map<string, Json>;
  responseSchemas: Map<string, Json>;
}

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const child = (v: Json | undefined, key: string): Json | undefined => (isObject(v) ? v[key] : undefined);

/** Next to this module, or under the working directory when bundled elsewhere (dist/). */
function definitionText(): string {
  const candidates: string[] = [];
  const here = (import.meta as { url?: string }).url;
  if (typeof here === 'string' && here.startsWith('file:')) candidates.push(fileURLToPath(new URL(FILE, here)));
  candidates.push(resolve(process.cwd(), 'tunnel/session-manager/api', FILE));
  for (const path of candidates) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      // try the next one
    }
  }
  throw new Error(`schemas: cannot read the Broker definition, looked at ${candidates.join(' and ')}`);
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const doc = parse(definitionText()) as Json;
  if (!isObject(doc) || !isObject(doc.paths)) throw new Error('schemas: the Broker definition has no paths');
  const operations: BrokerOperation[] = [];
  const requestSchemas = new Map<string, Json>();
  const responseSchemas = new Map<string, Json>();
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = child(item, method);
      const operationId = child(op, 'operationId');
      if (!isObject(op) || typeof operationId !== 'string') continue;
      const body = child(op, 'requestBody');
      const bodySchema = child(child(child(body, 'content'), 'application/json'), 'schema');
      const okSchema = child(child(child(child(child(op, 'responses'), '200'), 'content'), 'application/json'), 'schema');
      if (bodySchema !== undefined) requestSchemas.set(operationId, bodySchema);
      if (okSchema !== undefined) responseSchemas.set(operationId, okSchema);
      operations.push({
        operationId,
        method: method.toUpperCase() as BrokerOperation['method'],
        path,
        requestBody: bodySchema === undefined ? undefined : { required: child(body, 'required') === true },
        match: matcher(path),
      });
    }
  }
  loaded = { doc, operations, requestSchemas, responseSchemas };
  return loaded;
}

function matcher(template: string): BrokerOperation['match'] {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  const re = new RegExp(`^${source}$`);
  return (pathname) => {
    const m = re.exec(pathname);
    if (!m) return undefined;
    const params: Record<string, string> = {};
    try {
      names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1])));
    } catch {
      return undefined; // malformed %-escape: no operation matches
    }
    return params;
  };
}

/** Every operation of the definition (method, path template, operationId). */
export function brokerOperations(): readonly BrokerOperation[] {
  return load().operations;
}

// ---------------------------------------------------------------------------------------------
// OpenAPI 3.0 schema objects → JSON Schema (draft-07) that ajv compiles in strict mode

interface Conversion {
  /** Inject additionalProperties: false into every object schema. */
  closed: boolean;
}

/** Keywords of OpenAPI 3.0 that are documentation only and unknown to ajv. */
const DOC_ONLY = new Set(['example', 'xml', 'externalDocs']);

function convert(node: Json, how: Conversion): Json {
  if (!isObject(node)) return node;
  // OpenAPI 3.0: "properties adjacent to $ref are ignored" — and ajv's draft-07 agrees.
  if (typeof node.$ref === 'string') return { $ref: absoluteRef(node.$ref) };
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (DOC_ONLY.has(key)) continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, convert(schema, how)]));
    } else if ((key === 'items' || key === 'not' || key === 'additionalProperties') && isObject(value)) {
      out[key] = convert(value, how);
    } else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) {
      out[key] = value.map((schema) => convert(schema, how));
    } else {
      out[key] = value;
    }
  }
  // Several request models list properties without `type: object`; the Java model they
  // describe is an object all the same (an array or a string cannot bind to it).
  if (out.properties !== undefined && out.type === undefined) out.type = 'object';
  if (how.closed && out.type === 'object' && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

function absoluteRef(ref: string): string {
  const m = /^#\/components\/schemas\/([^/]+)$/.exec(ref);
  if (!m) throw new Error(`schemas: unsupported $ref ${ref} (only #/components/schemas/… is used by the definition)`);
  return `${SCHEMA_ID}#/definitions/${m[1]}`;
}

/** Constraints the definition states in prose only. */
const DESCRIBED_BOUNDS = [
  { schema: 'DescribeSessionsRequestData', property: 'MaxResults', minimum: 1, maximum: 1000 },
  { schema: 'DescribeServersRequestData', property: 'MaxResults', minimum: 1, maximum: 1000 },
];

/** Required fields per AWS's API reference (sm-dev), not marked in the definition. */
const DOCUMENTED_REQUIRED: Record<string, string[]> = {
  CreateSessionRequestData: ['Name', 'Owner', 'Type'],
  DeleteSessionRequestData: ['SessionId', 'Owner'],
};

function componentSchemas(doc: JsonObject, how: Conversion): JsonObject {
  const schemas = child(child(doc, 'components'), 'schemas');
  if (!isObject(schemas)) throw new Error('schemas: the Broker definition has no components.schemas');
  const out: JsonObject = {};
  for (const [name, schema] of Object.entries(schemas)) out[name] = convert(schema, how);
  if (!how.closed) return out;
  for (const bound of DESCRIBED_BOUNDS) {
    const property = child(child(out[bound.schema], 'properties'), bound.property);
    const description = child(property, 'description');
    if (!isObject(property) || typeof description !== 'string' || !description.includes(`between ${bound.minimum} and ${bound.maximum}`)) {
      throw new Error(`schemas: ${bound.schema}.${bound.property} no longer says "between ${bound.minimum} and ${bound.maximum}"; review DESCRIBED_BOUNDS`);
    }
    property.minimum = bound.minimum;
    property.maximum = bound.maximum;
  }
  for (const [name, required] of Object.entries(DOCUMENTED_REQUIRED)) {
    const schema = out[name];
    if (!isObject(schema) || !isObject(schema.properties) || !required.every((p) => p in (schema.properties as JsonObject))) {
      throw new Error(`schemas: ${name} lacks one of ${required.join(', ')}; review DOCUMENTED_REQUIRED`);
    }
    schema.required = required;
  }
  return out;
}

function newAjv(doc: JsonObject, how: Conversion): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  // OpenAPI 3.0's formats; ajv knows none of them without ajv-formats.
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  // A Java long beyond 2^53 cannot survive JSON.parse in JavaScript: treat it as an error.
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: (n: number) => Number.isFinite(n) });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)),
  });
  ajv.addSchema({ $id: SCHEMA_ID, definitions: componentSchemas(doc, how) });
  return ajv;
}

function readable(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const where = e.instancePath === '' ? '/' : e.instancePath;
    if (e.keyword === 'additionalProperties') {
      return `${where}: must NOT have additional property '${String((e.params as { additionalProperty?: unknown }).additionalProperty)}'`;
    }
    return `${where}: ${e.message ?? e.keyword}`;
  });
}

export interface BrokerValidator {
  /** The operationIds this validator knows. */
  readonly operations: readonly string[];
  validate(operationId: string, body: unknown): ValidationResult;
}

function buildValidator(kind: 'request' | 'response'): BrokerValidator {
  const { doc, requestSchemas, responseSchemas, operations } = load();
  const how: Conversion = { closed: kind === 'request' };
  const ajv = newAjv(doc, how);
  const compiled = new Map<string, ValidateFunction>();
  for (const [operationId, schema] of kind === 'request' ? requestSchemas : responseSchemas) {
    compiled.set(operationId, ajv.compile(convert(schema, how) as JsonObject));
  }
  const bodyRequired = new Map(operations.map((op) => [op.operationId, op.requestBody?.required ?? false]));
  return {
    operations: [...compiled.keys()],
    validate(operationId, body) {
      const check = compiled.get(operationId);
      if (!check) throw new Error(`schemas: no ${kind} schema for operation '${operationId}' (known: ${[...compiled.keys()].join(', ')})`);
      if (body === undefined) {
        if (kind === 'request' && !bodyRequired.get(operationId)) return { ok: true };
        return { ok: false, errors: [`/: a ${kind} body is required`] };
      }
      return check(body) ? { ok: true } : { ok: false, errors: readable(check.errors) };
    },
  };
}

let requests: BrokerValidator | undefined;
let responses: BrokerValidator | undefined;

/** One compiled validator per operation request body (describeSessions, createSessions, …), strict. */
export function brokerRequestValidator(): BrokerValidator {
  return (requests ??= buildValidator('request'));
}

/** One compiled validator per operation's 200 response body, lenient about extra properties. */
export function brokerResponseValidator(): BrokerValidator {
  return (responses ??= buildValidator('response'));
}

/**
 * `body` is the parsed JSON (undefined when the request had none). Errors read like
 * "/Filters/0/Key: must be string" or "/: must NOT have additional property 'sessionIds'".
 */
export function validateBrokerRequest(operationId: string, body: unknown): ValidationResult {
  return brokerRequestValidator().validate(operationId, body);
}

/** The 200 response of `operationId` against the definition (extra properties allowed). */
export function validateBrokerResponse(operationId: string, body: unknown): ValidationResult {
  return brokerResponseValidator().validate(operationId, body);
}
