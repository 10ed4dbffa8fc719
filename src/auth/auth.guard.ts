import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Actor, Role } from '../kernel/actor.js';
import { DomainError } from '../kernel/errors.js';
import { systemClock } from '../kernel/clock.js';
import { actorOf, keyIdOf, keyRefusal, tokenMatches } from './api-key.js';
import { ApiKeyStore } from './api-key-store.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator.js';

export const API_KEY_STORE = Symbol('ApiKeyStore');

export type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

/**
 * Global guard: routes are closed unless marked @Public(). A valid bearer key becomes the
 * request's actor; @Roles() narrows which roles may call. Scope (own vendor, own OPD) is
 * checked where the target is known: src/auth/scope.ts.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEY_STORE) private readonly keys: ApiKeyStore,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) ?? false;
    const header = request.headers.authorization;
    if (header === undefined) {
      if (isPublic) return true;
      throw new DomainError('unauthenticated', 'UNAUTHENTICATED', 'an API key is required: Authorization: Bearer <key>');
    }
    const actor = this.authenticate(header);
    request.actor = actor;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!isPublic && roles && !roles.includes(actor.role)) {
      throw new DomainError('forbidden', 'ROLE_NOT_ALLOWED', `role ${actor.role} may not do this`, { allowedRoles: roles });
    }
    return true;
  }

  private authenticate(header: string): Actor {
    const token = /^Bearer (\S+)$/i.exec(header)?.[1];
    const keyId = token ? keyIdOf(token) : undefined;
    const record = keyId ? this.keys.find(keyId) : undefined;
    const now = systemClock.now();
    const refusal = record && token && tokenMatches(token, record) ? keyRefusal(record, now) : 'invalid';
    // Only the holder of the whole token learns that it expired: a guessed key id learns nothing.
    if (refusal === 'expired') throw new DomainError('unauthenticated', 'KEY_EXPIRED', 'the API key has expired: ask for a new one (keys rotate)');
    if (refusal !== undefined) throw new DomainError('unauthenticated', 'INVALID_API_KEY', 'the API key is malformed, unknown or revoked');
    this.keys.recordUse(record!.keyId, now);
    return actorOf(record!);
  }
}
