import { DECORATORS } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata.js';

type Derived = Record<string, unknown>;

/** What each class-validator check says in JSON Schema; a check not listed here adds nothing. */
const SCHEMA_BY_VALIDATOR: Readonly<Record<string, (constraints: readonly unknown[]) => Derived | undefined>> = {
  isUuid: () => ({ format: 'uuid' }),
  isInt: () => ({ type: 'integer' }),
  min: ([minimum]) => ({ minimum }),
  max: ([maximum]) => ({ maximum }),
  minLength: ([minLength]) => ({ minLength }),
  maxLength: ([maxLength]) => ({ maxLength }),
  isLength: ([minLength, maxLength]) => ({ minLength, ...(maxLength !== undefined ? { maxLength } : {}) }),
  isIn: ([values]) => ({ enum: values }),
  isIso8601: () => ({ format: 'date-time' }),
  isEmail: () => ({ format: 'email' }),
  isPositive: () => ({ exclusiveMinimum: 0 }),
  arrayMinSize: ([minItems]) => ({ minItems }),
  arrayMaxSize: ([maxItems]) => ({ maxItems }),
  arrayNotEmpty: () => ({ minItems: 1 }),
  arrayUnique: () => ({ uniqueItems: true }),
  // A pattern with flags (case-insensitive, ...) cannot be said in JSON Schema: left out rather than said wrong.
  matches: ([pattern, modifiers]) => {
    if (pattern instanceof RegExp) return pattern.flags === '' ? { pattern: pattern.source } : undefined;
    return typeof pattern === 'string' && !modifiers ? { pattern } : undefined;
  },
};

/**
 * Writes the bounds and formats that the DTOs' class-validator checks enforce (UUIDs, patterns,
 * min/max, lengths, enums, instants) into their OpenAPI property metadata, so that the document
 * says what validation does from the one source. What a property's @ApiProperty states itself
 * wins; undocumented properties stay undocumented. Runs once, before the document is built.
 */
export function describeValidationConstraints(): void {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, ValidationMetadata[]> };
  for (const [target, metadatas] of storage.validationMetadatas) {
    if (typeof target !== 'function') continue;
    for (const metadata of metadatas) {
      if (metadata.each || metadata.name === undefined) continue;
      const derived = SCHEMA_BY_VALIDATOR[metadata.name]?.(metadata.constraints ?? []);
      if (derived) mergeInto(target.prototype as object, metadata.propertyName, derived);
    }
  }
}

function mergeInto(prototype: object, property: string, derived: Derived): void {
  const stated = Reflect.getOwnMetadata(DECORATORS.API_MODEL_PROPERTIES, prototype, property) as Derived | undefined;
  if (!stated) return;
  const merged: Derived = { ...derived, ...stated };
  // Nest's own `type` for a number is Number: an integer check narrows it.
  if (derived.type === 'integer' && (stated.type === Number || stated.type === 'number' || stated.type === undefined)) merged.type = 'integer';
  if (derived.format !== undefined && stated.type !== undefined && stated.type !== String && stated.type !== 'string') delete merged.format;
  Reflect.defineMetadata(DECORATORS.API_MODEL_PROPERTIES, merged, prototype, property);
}
