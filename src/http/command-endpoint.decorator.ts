import { HttpCode, applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { type IdempotencyMode, Idempotent } from '../idempotency/idempotent.decorator.js';
import type { Role } from '../kernel/actor.js';
import type { ifMatchHeader } from './api-headers.js';
import { ApiCommandResponse, type CommandResponseOptions } from './openapi/api-responses.js';

export interface CommandEndpointOptions {
  /** Who may send the command. */
  readonly roles: readonly Role[];
  /** 201 for a command that creates a resource (its Location is answered), 200 for a change. */
  readonly status?: 200 | 201;
  /** The Idempotency-Key rule (default optional: `required` where a retry must not create or pay twice). */
  readonly idempotency?: IdempotencyMode;
  /** The documented If-Match header, for a command on an existing resource (api-headers.ts). */
  readonly ifMatch?: ReturnType<typeof ifMatchHeader>;
  /** What the answer documents beyond its status: the created id's field, whether an ETag is sent. */
  readonly response?: Omit<CommandResponseOptions, 'status'>;
}

/**
 * What every command endpoint declares: its status, the roles that may call it (with a bearer
 * key), the Idempotency-Key rule, If-Match where it changes a resource, and the command response.
 * The route (@Post, @Patch) and its description (@ApiOperation) stay on the method.
 */
export function CommandEndpoint({ roles, status = 200, idempotency = 'optional', ifMatch, response = {} }: CommandEndpointOptions): MethodDecorator {
  return applyDecorators(
    ApiCommandResponse({ status, ...response }),
    ...(ifMatch ? [ApiHeader(ifMatch)] : []),
    Idempotent(idempotency),
    Roles(...roles),
    HttpCode(status),
  );
}
