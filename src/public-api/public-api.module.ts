import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/read-models.module.js';
import { PublicController } from './public.controller.js';

/** The public transparency API (no key) over the read models. */
@Module({
  imports: [ReadModelsModule],
  controllers: [PublicController],
})
export class PublicApiModule {}
