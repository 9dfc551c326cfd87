import type protobuf from 'protobufjs';

/**
 * Messages carry AWS's JSON names (lowerCamelCase, see grpc-protos.ts), so converting between
 * an AWS JSON object and a message object is a walk over the message's fields that changes
 * only two kinds of value: AWS's timestamps (epoch seconds) become google.protobuf.Timestamp,
 * and free-form JSON objects (history event details) become google.protobuf.Struct. Used both
 * ways: requests in, responses out, and by clients reading responses back into AWS's shape.
 */
const TIMESTAMP = '.google.protobuf.Timestamp';
const STRUCT = '.google.protobuf.Struct';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type MessageObject = Record<string, unknown>;

/** AWS JSON → the plain object grpc-js serialises for `type`. Fields the message lacks are dropped. */
export function toMessage(type: protobuf.Type, value: Record<string, unknown>): MessageObject {
  const message: MessageObject = {};
  for (const field of type.fieldsArray) {
    const raw = value[field.name];
    if (raw === undefined || raw === null) continue;
    message[field.name] = field.repeated && Array.isArray(raw) ? raw.map((item) => fieldToMessage(field, item)) : fieldToMessage(field, raw);
  }
  return message;
}

function fieldToMessage(field: protobuf.Field, raw: unknown): unknown {
  const resolved = field.resolvedType;
  if (!resolved || !('fieldsArray' in resolved)) return raw;
  const fullName = resolved.fullName;
  if (fullName === TIMESTAMP) return timestampOf(raw);
  if (fullName === STRUCT) return structOf(raw as Record<string, Json>);
  return typeof raw === 'object' ? toMessage(resolved, raw as Record<string, unknown>) : raw;
}

/**
 * A message object (as proto-loader decodes it) → AWS JSON: timestamps as epoch seconds (AWS
 * JSON's wire form), or as whatever `timestamp` makes of them (a client wanting Dates, as the
 * AWS SDKs give).
 */
export function fromMessage(type: protobuf.Type, message: MessageObject, timestamp: (epochSeconds: number) => unknown = (seconds) => seconds): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    const raw = message[field.name];
    if (raw === undefined || raw === null) continue;
    value[field.name] =
      field.repeated && Array.isArray(raw) ? raw.map((item) => fieldFromMessage(field, item, timestamp)) : fieldFromMessage(field, raw, timestamp);
  }
  return value;
}

function fieldFromMessage(field: protobuf.Field, raw: unknown, timestamp: (epochSeconds: number) => unknown): unknown {
  const resolved = field.resolvedType;
  if (!resolved || !('fieldsArray' in resolved)) return raw;
  if (resolved.fullName === TIMESTAMP) return timestamp(epochSecondsOf(raw as { seconds?: number | string; nanos?: number }));
  if (resolved.fullName === STRUCT) return jsonOfStruct(raw as StructObject);
  return fromMessage(resolved, raw as MessageObject, timestamp);
}

/** AWS JSON sends epoch seconds with a millisecond fraction; Date and ISO text are taken too. */
function timestampOf(raw: unknown): { seconds: number; nanos: number } {
  const millis = raw instanceof Date ? raw.getTime() : typeof raw === 'string' ? Date.parse(raw) : Math.round(Number(raw) * 1000);
  const seconds = Math.floor(millis / 1000);
  return { seconds, nanos: (millis - seconds * 1000) * 1_000_000 };
}

function epochSecondsOf(raw: { seconds?: number | string; nanos?: number }): number {
  const millis = Number(raw.seconds ?? 0) * 1000 + Math.round((raw.nanos ?? 0) / 1_000_000);
  return millis / 1000;
}

interface ValueObject {
  nullValue?: unknown;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: StructObject;
  listValue?: { values?: ValueObject[] };
}
interface StructObject {
  fields?: Record<string, ValueObject>;
}

function structOf(json: Record<string, Json>): StructObject {
  const fields: Record<string, ValueObject> = {};
  for (const [key, item] of Object.entries(json)) if (item !== undefined) fields[key] = valueOf(item);
  return { fields };
}

function valueOf(json: Json): ValueObject {
  if (json === null) return { nullValue: 'NULL_VALUE' };
  if (typeof json === 'number') return { numberValue: json };
  if (typeof json === 'string') return { stringValue: json };
  if (typeof json === 'boolean') return { boolValue: json };
  if (Array.isArray(json)) return { listValue: { values: json.map(valueOf) } };
  return { structValue: structOf(json) };
}

function jsonOfStruct(struct: StructObject): Record<string, Json> {
  const json: Record<string, Json> = {};
  for (const [key, value] of Object.entries(struct.fields ?? {})) json[key] = jsonOfValue(value);
  return json;
}

function jsonOfValue(value: ValueObject): Json {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.numberValue !== undefined) return value.numberValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.structValue !== undefined) return jsonOfStruct(value.structValue);
  if (value.listValue !== undefined) return (value.listValue.values ?? []).map(jsonOfValue);
  return null;
}
