import { Module } from '@nestjs/common';
import { PolicyModule } from '../policy/policy.module.js';
import { RedFlagsModule } from '../red-flags/red-flags.module.js';
import { ChangeOrderHandler } from './application/change-order.handler.js';
import { PlaceOrderHandler } from './application/place-order.handler.js';
import { OrdersController } from './http/orders.controller.js';

@Module({ imports: [PolicyModule, RedFlagsModule], controllers: [OrdersController], providers: [PlaceOrderHandler, ChangeOrderHandler] })
export class OrdersModule {}
