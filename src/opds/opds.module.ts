import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/read-models.module.js';
import { OpdCommandHandler } from './application/opd-command.handler.js';
import { OpdsController } from './http/opds.controller.js';

@Module({ imports: [ReadModelsModule], controllers: [OpdsController], providers: [OpdCommandHandler] })
export class OpdsModule {}
