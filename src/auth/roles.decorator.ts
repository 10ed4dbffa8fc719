import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Role } from '../kernel/actor.js';
import { PUBLIC_EXTENSION, ROLES_EXTENSION } from '../http/openapi/extension-keys.js';

export const ROLES_KEY = 'bela:roles';
export const PUBLIC_KEY = 'bela:public';

/** Only these roles may call the route (the OpenAPI document says so, and lists 403 ROLE_NOT_ALLOWED). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ROLES_KEY, roles), ApiExtension(ROLES_EXTENSION, roles));

/** Anyone may call the route, without a key (the OpenAPI document gives it `security: []`). */
export const Public = (): MethodDecorator & ClassDecorator => applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true));
