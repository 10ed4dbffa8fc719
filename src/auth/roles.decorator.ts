import { SetMetadata } from '@nestjs/common';
import type { Role } from '../kernel/actor.js';

export const ROLES_KEY = 'bela:roles';
export const PUBLIC_KEY = 'bela:public';

/** Only these roles may call the route. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** Anyone may call the route, without a key. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_KEY, true);
