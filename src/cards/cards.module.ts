import { Module } from '@nestjs/common';
import { PolicyModule } from '../policy/policy.module.js';
import { CardCommandHandler } from './application/card-command.handler.js';
import { CardsController } from './http/cards.controller.js';

@Module({ imports: [PolicyModule], controllers: [CardsController], providers: [CardCommandHandler] })
export class CardsModule {}
